"""Literal secrets in manifest values, judged by the one secret detector every stage uses."""

from __future__ import annotations

import re

from containersec.patterns import LazyPattern
from containersec.secrets import find_secrets, is_secret_name

# Values that stand for a secret still to be filled in: an upper-case name (`GOOGLE_API_KEY_VAL`), `<your key>`,
# and the usual words. Case matters for the name: `hunter2` is a value.
_UPPER_NAME = LazyPattern(r"[A-Z][A-Z0-9_]*")
_PLACEHOLDER = LazyPattern(r"<[^>]*>|change[-_]?me|replace[-_]?me|x{3,}|\*+|todo|tbd|secret|password",
                           re.IGNORECASE)


def secret_problem(name: str, value: object) -> str | None:
    """Why `name: value` holds a secret (a known token format, masked, or a secret-looking name with a
    literal value that is not a placeholder), or None. A reference such as `$(OTHER_VAR)` is not a value."""
    if not isinstance(value, str) or not value.strip() or value.strip().startswith(("$(", "${", "{{")):
        return None
    found = next(iter(find_secrets(value)), None)
    if found is not None:
        return f"holds a {found.kind} ({found.masked})"
    if is_secret_name(name) and not is_placeholder(value.strip()):
        return "looks like a secret (its name) and has a literal value"
    return None


def is_placeholder(value: str) -> bool:
    return _UPPER_NAME.fullmatch(value) is not None or _PLACEHOLDER.fullmatch(value) is not None
