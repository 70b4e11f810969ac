"""Literal secrets in manifest values, judged by the one secret detector every stage uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from containersec.patterns import LazyPattern
from containersec.secrets import find_secrets, is_secret_name

# Values that stand for a secret still to be filled in: an upper-case name (`GOOGLE_API_KEY_VAL`), `<your key>`,
# `yourpassword` and the usual words. Case matters for the name: `hunter2` is a value.
_UPPER_NAME = LazyPattern(r"[A-Z][A-Z0-9_]*")
_PLACEHOLDER = LazyPattern(r"<[^>]*>|change[-_]?me|replace[-_]?me|x{3,}|\*+|todo|tbd|secret|password"
                           r"|your[-_ ]?[a-z_ -]{0,40}|null|none|~|true|false|yes|no", re.IGNORECASE)
# `name = value`, `name: value` or `NAME=value`: the settings of a configuration file held in one value.
_SETTING = LazyPattern(r"^[ \t]*(?:export[ \t]+)?[\"']?(?P<name>[A-Za-z_][\w.-]{0,99}+)[\"']?[ \t]*[:=][ \t]*"
                       r"(?P<value>[^\n]{0,500}+)$", re.MULTILINE)
_CAMEL_CASE = LazyPattern(r"(?<=[a-z0-9])(?=[A-Z])")
_REFERENCE_STARTS = ("$", "%(", "{{", "#")


@dataclass(frozen=True)
class SecretProblem:
    """Why a value holds a secret, and the credential kind when a known format says it (a secret catalogue ID)."""

    reason: str
    kind: str | None = None


def secret_problem(name: str, value: object) -> SecretProblem | None:
    """Why `name: value` holds a secret (a known token format, masked; a secret-looking name with a literal
    value that is not a placeholder; in a multi-line value, a file, such a setting of it), or None. A reference
    such as `$(OTHER_VAR)` is not a value."""
    if not isinstance(value, str) or not value.strip() or value.strip().startswith(_REFERENCE_STARTS):
        return None
    found = next(iter(find_secrets(value)), None)
    if found is not None:
        return SecretProblem(f"holds a {found.kind} ({found.masked})", found.id or None)
    if "\n" in value:  # a block scalar: the text of a file
        for setting in _SETTING.finditer(value):
            if _is_literal_secret(setting["name"], setting["value"].strip().rstrip(",;").strip("\"'")):
                line = value.count("\n", 0, setting.start()) + 1
                return SecretProblem(f"sets {setting['name']} to a literal value (line {line} of the value)")
        return None
    if _is_literal_secret(name, value.strip()):
        return SecretProblem("looks like a secret (its name) and has a literal value")
    return None


def _is_literal_secret(name: str, value: str) -> bool:
    """A secret-looking name (`DB_PASSWORD`, `db.password`, `apiKey`) with a value that is not a reference or
    a placeholder."""
    words = _CAMEL_CASE.sub("_", name).replace(".", "_").replace("-", "_")
    return (bool(value) and not value.startswith(_REFERENCE_STARTS) and is_secret_name(words)
            and not is_placeholder(value))


def is_placeholder(value: str) -> bool:
    return _UPPER_NAME.fullmatch(value) is not None or _PLACEHOLDER.fullmatch(value) is not None
