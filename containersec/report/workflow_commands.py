"""GitHub Actions workflow commands (`::error file=…::message`) with the runner's escaping.

Untrusted text (paths, messages quoting Dockerfile content) must never start a command of its own:
data escapes `%`, CR and LF; property values also escape `:` and `,` (actions/toolkit command.ts).
"""

from __future__ import annotations

from collections.abc import Mapping

LEVELS = ("error", "warning", "notice")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, object] | None = None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"
