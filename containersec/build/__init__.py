"""The build stage: Dockerfiles, their model, rules and fixes.

What the other stages may use of it is exported here, and loads on first use: `containersec lint` imports
this package before it parses anything, and starts ShellCheck right after parsing, so importing the package
must not load the rule modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from containersec.build.engine import discover, read_source
    from containersec.build.parse import parse_dockerfile
    from containersec.build.rules._images import parse_image
    from containersec.build.rules._labels import LABEL_TYPES
    from containersec.build.rules._labels import shown as shown_label_value
    from containersec.build.rules._secrets import find_secrets, is_secret_name, may_name_secret, secret_file_kind

# name -> (module, name there)
_EXPORTS = {
    "discover": ("containersec.build.engine", "discover"),
    "read_source": ("containersec.build.engine", "read_source"),
    "parse_dockerfile": ("containersec.build.parse", "parse_dockerfile"),
    "parse_image": ("containersec.build.rules._images", "parse_image"),
    "LABEL_TYPES": ("containersec.build.rules._labels", "LABEL_TYPES"),
    "shown_label_value": ("containersec.build.rules._labels", "shown"),
    "find_secrets": ("containersec.build.rules._secrets", "find_secrets"),
    "is_secret_name": ("containersec.build.rules._secrets", "is_secret_name"),
    "may_name_secret": ("containersec.build.rules._secrets", "may_name_secret"),
    "secret_file_kind": ("containersec.build.rules._secrets", "secret_file_kind"),
}
__all__ = ["LABEL_TYPES", "discover", "find_secrets", "is_secret_name", "may_name_secret", "parse_dockerfile",
           "parse_image", "read_source", "secret_file_kind", "shown_label_value"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module, attribute = _EXPORTS[name]
    return getattr(importlib.import_module(module), attribute)
