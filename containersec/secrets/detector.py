"""Finds the credential kinds of the catalogue in a text, each with a masked form safe to print.

A cheap pre-filter comes first: the lower-cased text goes once through an Aho-Corasick automaton of every
entry's keywords, and only the entries whose keywords occur are searched with their patterns (most texts run
none). Entries compile on first use, so a run compiles only the few its texts call for.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from containersec.secrets.catalogue import KINDS, PLACEHOLDERS, Kind
from containersec.secrets.names import is_secret_name

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
    """An entry's expressions."""

    kind: Kind
    order: int  # its place in the catalogue: of two overlapping matches, the earlier entry wins
    pattern: re.Pattern[str]
    allow: tuple[re.Pattern[str], ...]


@cache
def _by_keyword() -> dict[tuple[str, bool], tuple[int, ...]]:
    """Catalogue positions of the entries each keyword (and whether it is exact-case) sends to their patterns."""
    by_keyword: dict[tuple[str, bool], list[int]] = {}
    for order, kind in enumerate(KINDS):
        for keyword in kind.keywords:
            by_keyword.setdefault((keyword, kind.exact), []).append(order)
    return {key: tuple(orders) for key, orders in by_keyword.items()}


@cache
def _entry(order: int) -> _Compiled:
    """One entry, compiled when a text first holds its keyword (a cold `lint` compiles only a few)."""
    kind = KINDS[order]
    return _Compiled(kind, order, re.compile(kind.pattern, kind.flags),
                     tuple(re.compile(allowed) for allowed in kind.allow))


# Keywords that ordinary text (code, configs, Dockerfiles) holds often. In a long text each is looked up with
# `in`, which stops at its first occurrence; fed through the automaton, each of their many occurrences would
# cost a step in Python. A short text (a Dockerfile instruction) goes through one automaton of every keyword.
_COMMON = frozenset({"pass", "pwd", "psw", "pword", "secret", "token", "key", "credential", "pat", "lob", "@"})
_SHORT = 4096


@cache
def _common() -> tuple[tuple[str, bool, tuple[int, ...]], ...]:
    return tuple((keyword, exact, orders) for (keyword, exact), orders in _by_keyword().items()
                 if keyword in _COMMON)


@cache
def _automaton(short: bool) -> Any:
    """Keywords lower-cased, each with its written form, whether that form must match, and its entries."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for (keyword, exact), orders in _by_keyword().items():
        if short or keyword not in _COMMON:
            lower = keyword.lower()
            # Two entries may share a lower-cased keyword with different cases: keep them all.
            entries = automaton.get(lower, ())
            automaton.add_word(lower, (*entries, (keyword, exact, orders)))
    automaton.make_automaton()
    return automaton


@cache
def _placeholders() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(placeholder) for placeholder in PLACEHOLDERS)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}$")
# URL passwords that are references or the word itself, not secrets.
_URL_PLACEHOLDER = re.compile(r"[$%{<*]|(?:password|passwd|pass|pwd|secret|x+|\.+)$", re.IGNORECASE)
# Generic values that are references, paths, URLs, versions or digests rather than secrets.
_NOT_A_VALUE = re.compile(r"^(?:[./~]|[A-Za-z][\w+.-]*://|sha(?:1|256|384|512)[:-]|v?\d+(?:\.\d+)+)|/run/secrets/")


# A name with one of these words holds a digest of a key (KEY_SHA512), not a secret.
_DIGEST_WORDS = frozenset({"sha", "sha1", "sha256", "sha384", "sha512", "md5", "hash", "checksum", "sum", "digest",
                           "fingerprint", "fpr"})


def _url(match: re.Match[str], text: str) -> tuple[int, str] | None:
    scheme = _SCHEME.search(text, max(match.start() - 31, 0), match.start())
    if scheme is None or _URL_PLACEHOLDER.match(match["secret"]):
        return None
    return scheme.start(), f"{scheme[0]}://****@{match['host']}"


# The name an assignment operator follows, read backwards from the operator: closing quote, spaces, the name.
_NAME_BEHIND = re.compile(r"[ \t]{0,5}+[\"']?([\w.-]{1,64}+)(?![\w.-])")


def _generic(match: re.Match[str], text: str) -> tuple[int, str] | None:
    value = match["secret"]
    behind = _NAME_BEHIND.match(text[max(match.start() - 72, 0):match.start()][::-1])
    if behind is None or not (behind[1][-1].isalpha() or behind[1][-1] == "_"):
        return None  # no name before the operator, or a name that starts with a digit, a dot or a dash
    name = re.sub(r"[.-]", "_", behind[1][::-1])
    if (not is_secret_name(name) or _DIGEST_WORDS.intersection(name.lower().split("_"))
            or _NOT_A_VALUE.search(value) or not any(char.isdigit() for char in value)):
        return None  # a value without a digit is a word or an identifier (key="ClearTextPassword")
    return match.start("secret"), mask(value)


_CURL = re.compile(r"\bcurl\b")
_CURL_REACH = 300  # characters between `curl` and its --user option


def _curl(match: re.Match[str], text: str) -> tuple[int, str] | None:
    line_start = text.rfind("\n", 0, match.start()) + 1
    if not _CURL.search(text, max(line_start, match.start() - _CURL_REACH), match.start()):
        return None
    return match.start("secret"), mask(match["secret"])


# Further tests of a match by name: where the secret starts and its masked form, or None when it is not one.
_CHECKS: dict[str, Callable[[re.Match[str], str], tuple[int, str] | None]] = {
    "url": _url, "generic": _generic, "curl": _curl}


def _found(entry: _Compiled, text: str, placeholders: tuple[re.Pattern[str], ...]) -> Iterator[Secret]:
    kind = entry.kind
    for match in entry.pattern.finditer(text):
        value = match["secret"]
        if kind.check:  # first: a check is cheaper than the placeholder and entropy tests
            checked = _CHECKS[kind.check](match, text)
            if checked is None:
                continue
            start, masked = checked
        else:
            start, masked = (match.start(), match[0]) if kind.shown else (match.start("secret"), mask(value))
        if any(p.search(value) for p in entry.allow) or any(p.search(value) for p in placeholders):
            continue
        if kind.entropy and entropy(value) < kind.entropy:
            continue
        yield Secret(kind.title, start, match.end("secret"), masked, kind.id, kind.severity)


def candidates(text: str) -> list[int]:
    """Catalogue positions of the entries whose keywords occur in `text`, in order."""
    lower = text.lower()
    found: set[tuple[int, ...]] = set()
    short = len(text) <= _SHORT
    if not short:
        found.update(orders for keyword, exact, orders in _common() if keyword in (text if exact else lower))
    for end, entries in _automaton(short).iter(lower):
        for keyword, exact, orders in entries:
            if not exact or text.startswith(keyword, end - len(keyword) + 1):
                found.add(orders)
    if not found:
        return []
    return sorted({order for orders in found for order in orders})


def detect(text: str) -> list[Secret]:
    """Every credential of a known kind in `text`, once each, in order of position."""
    orders = candidates(text)
    return detect_entries(text, orders) if orders else []


def detect_entries(text: str, orders: list[int]) -> list[Secret]:
    """What the entries at catalogue positions `orders` (ascending) find in `text`."""
    placeholders = _placeholders()
    taken: list[tuple[int, int, Secret]] = []  # (start, end, secret), disjoint, by start
    for order in orders:
        for secret in _found(_entry(order), text, placeholders):
            # A match inside (or across) one already taken is the same credential seen by a broader entry.
            index = bisect_right(taken, secret.start, key=lambda item: item[0])
            if (index and taken[index - 1][1] > secret.start) or (index < len(taken)
                                                                  and taken[index][0] < secret.end):
                continue
            insort(taken, (secret.start, secret.end, secret), key=lambda item: item[0])
    return [secret for _, _, secret in taken]
