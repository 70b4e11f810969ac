"""Readers of data that comes from outside (images, reports, registries, events, config): bounded in every way.

Every stage reads untrusted JSON, YAML, regular expressions and globs through here, so one set of limits
holds everywhere and a hostile input ends in `DocumentError` (a clear message) instead of a crash or a hang.
"""

from containersec.untrusted.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_YAML_NODES, DocumentError

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_BYTES", "MAX_YAML_NODES", "DocumentError"]
