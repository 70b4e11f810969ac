"""GitHub Actions workflow commands (`::error file=…::message`) with the runner's escaping.

Untrusted text (paths, messages quoting Dockerfile content) must never start a command of its own:
data escapes `%`, CR and LF; property values also escape `:` and `,` (actions/toolkit command.ts).
"""

from __future__ import annotations

from collections.abc import Mapping

from containersec.report.text import safe

LEVELS = ("error", "warning", "notice")


def escape_data(text: str) -> str:
    """Line breaks kept as the runner's escapes; other controls and bidirectional overrides shown as `\\x1b`."""
    lines = (safe(line) for line in text.replace("%", "%25").replace("\r\n", "\n").split("\n"))
    return "%0A".join(lines)


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, object] | None = None) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in (properties or {}).items() if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"
