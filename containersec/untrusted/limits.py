"""The limits every reader of outside data keeps, and the one error they raise."""

# Nesting of arrays and objects (JSON) or collections (YAML). Real manifests, reports, events and configs stay
# below 40; Python's own parsers recurse, so 100,000 levels would end in RecursionError (and the streaming
# reader's memory grows with the square of the depth).
MAX_DEPTH = 128
# Documents read whole (manifests, configs, index files, VEX, event payloads, config and ignore files).
# Scanner reports are streamed and have no size limit, only the nesting one.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# Nodes of a YAML document once its aliases are expanded: an alias bomb ("billion laughs") is refused
# before any reader walks it.
MAX_YAML_NODES = 1_000_000


class DocumentError(ValueError):
    """Outside data that cannot be read within the limits; the message names the problem (not the file)."""
