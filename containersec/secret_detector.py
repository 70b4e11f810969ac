"""Finds the credential kinds of the catalogue in a text, each with a masked form safe to print.

A cheap pre-filter comes first: the text is lower-cased once and each distinct keyword is looked up with
`in`; only the entries whose keywords occur are searched with their patterns (most texts run none).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from containersec.secret_catalogue import KINDS, PLACEHOLDERS, Kind

SHOWN = 4  # characters of a secret that a message may show


@dataclass(frozen=True)
class Secret:
    """A secret found in a text: what it is, where it is and how it is shown (masked)."""

    kind: str  # its title, for messages ("GitHub personal access token")
    start: int
    end: int
    masked: str  # at most the first four characters, then ****
    id: str = ""  # the catalogue entry ("github-pat")
    severity: str = ""  # the entry's severity on Trivy's scale


def mask(value: str) -> str:
    return value[:SHOWN] + "****"


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values()) if total else 0.0


@dataclass(frozen=True)
class _Compiled:
    kind: Kind
    order: int  # its place in the catalogue: of two overlapping matches, the earlier entry wins
    pattern: re.Pattern[str]
    allow: tuple[re.Pattern[str], ...]


@cache
def _compiled() -> tuple[dict[str, tuple[_Compiled, ...]], tuple[re.Pattern[str], ...]]:
    """Entries by keyword, compiled on first use (a cold `lint` of a clean file never needs them)."""
    by_keyword: dict[str, list[_Compiled]] = {}
    for order, kind in enumerate(KINDS):
        compiled = _Compiled(kind, order, re.compile(kind.pattern, kind.flags),
                             tuple(re.compile(allowed) for allowed in kind.allow))
        for keyword in kind.keywords:
            by_keyword.setdefault(keyword, []).append(compiled)
    placeholders = tuple(re.compile(placeholder) for placeholder in PLACEHOLDERS)
    return {keyword: tuple(entries) for keyword, entries in by_keyword.items()}, placeholders


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}$")
# URL passwords that are references or the word itself, not secrets.
_URL_PLACEHOLDER = re.compile(r"[$%{<*]|(?:password|passwd|pass|pwd|secret|x+|\.+)$", re.IGNORECASE)
# Generic values that are references, paths, URLs, versions or digests rather than secrets.
_NOT_A_VALUE = re.compile(r"^(?:[./~]|[A-Za-z][\w+.-]*://|sha(?:1|256|384|512)[:-]|v?\d+(?:\.\d+)+)|/run/secrets/")


def _url(match: re.Match[str], text: str) -> tuple[int, str] | None:
    scheme = _SCHEME.search(text, max(match.start() - 31, 0), match.start())
    if scheme is None or _URL_PLACEHOLDER.match(match["secret"]):
        return None
    return scheme.start(), f"{scheme[0]}://****@{match['host']}"


def _generic(match: re.Match[str], text: str) -> tuple[int, str] | None:
    from containersec.build.rules._secrets import is_secret_name

    value = match["secret"]
    if not is_secret_name(re.sub(r"[.-]", "_", match["key"])) or _NOT_A_VALUE.search(value):
        return None
    return match.start("secret"), mask(value)


# Further tests of a match by name: where the secret starts and its masked form, or None when it is not one.
_CHECKS: dict[str, Callable[[re.Match[str], str], tuple[int, str] | None]] = {"url": _url, "generic": _generic}


def _found(entry: _Compiled, text: str, placeholders: tuple[re.Pattern[str], ...]) -> Iterator[Secret]:
    kind = entry.kind
    for match in entry.pattern.finditer(text):
        value = match["secret"]
        if any(p.search(value) for p in entry.allow) or any(p.search(value) for p in placeholders):
            continue
        if kind.entropy and entropy(value) < kind.entropy:
            continue
        if kind.check:
            checked = _CHECKS[kind.check](match, text)
            if checked is None:
                continue
            start, masked = checked
        else:
            start, masked = (match.start(), match[0]) if kind.shown else (match.start("secret"), mask(value))
        yield Secret(kind.title, start, match.end("secret"), masked, kind.id, kind.severity)


def detect(text: str) -> list[Secret]:
    """Every credential of a known kind in `text`, once each, in order of position."""
    by_keyword, placeholders = _compiled()
    lower = text.lower()
    entries = {entry.order: entry for keyword, group in by_keyword.items() if keyword in lower for entry in group}
    accepted: list[tuple[int, Secret]] = []
    for order in sorted(entries):
        for secret in _found(entries[order], text, placeholders):
            # A match inside (or across) one already taken is the same credential seen by a broader entry.
            if not any(secret.start < other.end and other.start < secret.end for _, other in accepted):
                accepted.append((order, secret))
    return sorted((secret for _, secret in accepted), key=lambda secret: secret.start)


def kind_of(kind_id: str) -> Kind:
    for kind in KINDS:
        if kind.id == kind_id:
            return kind
    raise KeyError(kind_id)
