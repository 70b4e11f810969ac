"""Literal secrets in manifest values, judged by the one secret detector every stage uses."""

from __future__ import annotations

from containersec.secrets import find_secrets, is_secret_name


def secret_problem(name: str, value: object) -> str | None:
    """Why `name: value` holds a secret (a known token format, masked, or a secret-looking name with a
    literal value), or None. A reference such as `$(OTHER_VAR)` is not a value."""
    if not isinstance(value, str) or not value.strip() or value.strip().startswith(("$(", "${", "{{")):
        return None
    found = next(iter(find_secrets(value)), None)
    if found is not None:
        return f"holds a {found.kind} ({found.masked})"
    if is_secret_name(name):
        return "looks like a secret (its name) and has a literal value"
    return None
