"""Label value types of a label schema (`label-schema: {label: type}`), as hadolint defines them.

Types: text, url, semver, hash, rfc3339, spdx, email; `text` accepts anything and has no entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from containersec.patterns import LazyPattern

_MAX_SHOWN = 80

# --- schema types --------------------------------------------------------------------------------

# semver.org's reference grammar (2.0.0), written without nested quantifiers.
_SEMVER = LazyPattern(
    r"(?:0|[1-9]\d*+)\.(?:0|[1-9]\d*+)\.(?:0|[1-9]\d*+)"
    r"(?:-(?:0|[1-9]\d*+|\d*+[A-Za-z-][0-9A-Za-z-]*+)(?:\.(?:0|[1-9]\d*+|\d*+[A-Za-z-][0-9A-Za-z-]*+))*+)?"
    r"(?:\+[0-9A-Za-z-]++(?:\.[0-9A-Za-z-]++)*+)?")
_GIT_HASH = LazyPattern(r"[0-9a-fA-F]{7,40}|[0-9a-fA-F]{64}")
_RFC3339 = LazyPattern(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d++)?(?:[Zz]|[+-]\d{2}:\d{2})")
# RFC 5322 addr-spec: dot-atom or quoted local part; dot-atom or domain-literal domain.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]++"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*+"
_ADDR_SPEC = rf"(?:{_DOT_ATOM}|\"(?:[^\"\\\r\n]|\\.)*+\")@(?:{_DOT_ATOM}|\[[^\[\]\\\s]*+\])"
_EMAIL = LazyPattern(rf"{_ADDR_SPEC}|[^<>@\r\n]*+<{_ADDR_SPEC}>")
_URL_SCHEME = LazyPattern(r"[A-Za-z][A-Za-z0-9+.-]*+")
_URL_FORBIDDEN = LazyPattern(r"[\s<>\"{}|\\^`]")
_SPDX_TOKEN = LazyPattern(r"\(|\)|[A-Za-z0-9.+:-]++")
_SPDX_ID = LazyPattern(r"(?:DocumentRef-[A-Za-z0-9.-]++:)?LicenseRef-[A-Za-z0-9.-]++|[A-Za-z0-9][A-Za-z0-9.-]*+\+?")
_SPDX_OPERATORS = frozenset({"AND", "OR", "WITH"})


def is_semver(value: str) -> bool:
    return _SEMVER.fullmatch(value) is not None


def is_git_hash(value: str) -> bool:
    return _GIT_HASH.fullmatch(value) is not None


def is_rfc3339(value: str) -> bool:
    if _RFC3339.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:  # month 13, 31 February, hour 25 ...
        return False
    return True


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value.strip()) is not None


def is_url(value: str) -> bool:
    scheme, sep, rest = value.partition(":")
    if not sep or _URL_SCHEME.fullmatch(scheme) is None or not rest or _URL_FORBIDDEN.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return False
    return bool(parts.hostname) if rest.startswith("//") else True


def is_spdx(value: str) -> bool:
    """An SPDX license expression: ids joined by AND/OR, `WITH exception`, parentheses.

    The grammar is checked, not the id list (which grows every release), so `MIT`, `Apache-2.0 OR MIT`
    and `GPL-2.0-or-later WITH Classpath-exception-2.0` pass while `Apache 2.0` and `MIT License` fail.
    """
    tokens = _SPDX_TOKEN.findall(value)
    if "".join(tokens) != "".join(value.split()):
        return False
    position = 0

    def expression() -> bool:
        nonlocal position
        if not term():
            return False
        while position < len(tokens) and tokens[position].upper() in ("AND", "OR"):
            position += 1
            if not term():
                return False
        return True

    def term() -> bool:
        nonlocal position
        if position >= len(tokens):
            return False
        token = tokens[position]
        position += 1
        if token == "(":
            if not expression() or position >= len(tokens) or tokens[position] != ")":
                return False
            position += 1
            return True
        if token.upper() in _SPDX_OPERATORS or _SPDX_ID.fullmatch(token) is None:
            return False
        if position < len(tokens) and tokens[position].upper() == "WITH":
            position += 1
            if position >= len(tokens) or _SPDX_ID.fullmatch(tokens[position]) is None:
                return False
            position += 1
        return True

    return expression() and position == len(tokens)


@dataclass(frozen=True)
class LabelType:
    """A type a required label's value must have (url, semver, rfc3339, ...) and its check."""

    name: str
    valid: Callable[[str], bool]
    expected: str  # what a valid value looks like, for messages


LABEL_TYPES = {
    "url": LabelType("url", is_url, "an absolute URL such as https://github.com/org/project"),
    "rfc3339": LabelType("rfc3339", is_rfc3339, "an RFC 3339 time such as 2024-05-01T12:00:00Z"),
    "spdx": LabelType("spdx", is_spdx, "an SPDX license expression such as Apache-2.0 or MIT OR Apache-2.0"),
    "hash": LabelType("hash", is_git_hash, "a git commit hash: 7 to 40 hex digits (64 for SHA-256 repos)"),
    "semver": LabelType("semver", is_semver, "a semantic version such as 1.4.2 or 2.0.0-rc.1"),
    "email": LabelType("email", is_email, "an e-mail address such as team@example.com"),
}


def shown_label_value(value: str) -> str:
    """A label value fit for a message: credentials in URLs masked, long values cut."""
    value = re.sub(r"(://[^/@\s:]*+):[^/@\s]*+@", r"\1:***@", value)
    return value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN - 3] + "..."
