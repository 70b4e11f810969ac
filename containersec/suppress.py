"""Inline ignores written as Dockerfile comments: containersec's own, hadolint's, Checkov's and Trivy's.

Pure functions over comment lines and instruction spans, so the Dockerfile model stays out of it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from containersec.catalogue import Rule, resolve
from containersec.patterns import LazyPattern

_END_OF_FILE = sys.maxsize
_SHELLCHECK_CODE = LazyPattern(r"SC\d{4}", re.IGNORECASE)
# A peer's pragma may name its own checks that we do not have (a newer hadolint code): those are for the
# peer. One of our IDs that names no rule, though, is a typo that would silently ignore nothing; except in
# `# hadolint ignore=`, which is read as hadolint reads it: names it does not know are skipped without a word.
_OUR_ID = LazyPattern(r"CS[DIVRK]\d+", re.IGNORECASE)

# `# containersec: ignore=...`; the colon may be left out before a scope, as in hadolint's `# hadolint ignore=`.
_OWN = LazyPattern(r"#\s*containersec(?:\s*:|\s+(?=ignore(?:-file|-stage)?\s*=))(?P<body>.*)", re.IGNORECASE)
_OWN_BODY = LazyPattern(
    r"\s*(?P<scope>ignore(?:-file|-stage)?)\s*=\s*(?P<names>.*?)\s*(?:(?:--|#).*)?$", re.IGNORECASE)
# Like hadolint, anything after the codes must start with `#`, or the line is not a pragma.
_HADOLINT = LazyPattern(
    r"#\s*hadolint\s+(?:(?P<scope>global|stage)\s+)?ignore\s*=\s*(?P<names>[\w-]+(?:\s*,\s*[\w-]+)*)"
    r"\s*(?:#.*)?$", re.IGNORECASE)
_CHECKOV = LazyPattern(r"(?:checkov|bridgecrew):skip=\s*(?P<name>\w+)", re.IGNORECASE)
_TRIVY = LazyPattern(r"trivy:ignore:(?P<name>[\w-]+)(?::exp:(?P<expires>\d{4}-\d{2}-\d{2}))?", re.IGNORECASE)

# Scopes a pragma can have.
NEXT = "next"
STAGE = "stage"
FILE = "file"
_OWN_SCOPES = {"ignore": NEXT, "ignore-stage": STAGE, "ignore-file": FILE}
_HADOLINT_SCOPES = {"": NEXT, "stage": STAGE, "global": FILE}


@dataclass(frozen=True)
class _Range:
    """Finding lines first..last (inclusive) where the codes are ignored."""

    codes: frozenset[str]
    first: int
    last: int
    pragma: int  # the comment's line


@dataclass
class Suppressions:
    """A file's inline ignores: the line ranges each covers, and the pragmas that cannot apply."""

    ranges: list[_Range] = field(default_factory=list)
    # (line, name) of containersec pragmas that name no known rule, and of peer pragmas naming an unknown ID of ours.
    unknown: list[tuple[int, str]] = field(default_factory=list)
    # (line, problem) of containersec pragmas that cannot apply as written.
    malformed: list[tuple[int, str]] = field(default_factory=list)

    def is_suppressed(self, rule: Rule | str, line: int) -> bool:
        """Whether a finding of `rule` (a Rule, or a bare ID like "SC2086") starting on `line` is ignored."""
        return self.pragma_line(rule, line) is not None

    def pragma_line(self, rule: Rule | str, line: int) -> int | None:
        """The line of the pragma that ignores a finding of `rule` starting on `line`; None when none does."""
        names = {name.upper() for name in (rule.names if isinstance(rule, Rule) else (rule,))}
        return next((r.pragma for r in self.ranges if r.first <= line <= r.last and not r.codes.isdisjoint(names)),
                    None)


@dataclass(frozen=True)
class _Pragma:
    """One ignore comment: its line, its scope and the rule names it gives."""

    line: int
    scope: str
    names: tuple[str, ...]
    own: bool
    hadolint: bool = False


def build_suppressions(
    comments: Sequence[tuple[int, str]],
    spans: Sequence[tuple[int, int, str]],
    today: date | None = None,
) -> Suppressions:
    """Collect the ignores in `comments` ((line, "# text")) over `spans` ((first, last, KEYWORD)).

    `today` decides whether a Trivy ignore with `:exp:` has expired (default: the current date).
    """
    result = Suppressions()
    for pragma in _pragmas(comments, today or date.today(), result):
        lines = _lines_covered(pragma, spans)
        if lines is None:
            if pragma.own:
                where = "a FROM" if pragma.scope == STAGE else "an instruction"
                result.malformed.append((pragma.line, f"must be directly above {where}"))
            continue
        codes = set()
        for name in pragma.names:
            found = _codes(name)
            if not found and (pragma.own or (not pragma.hadolint and _OUR_ID.fullmatch(name))):
                result.unknown.append((pragma.line, name))
            codes |= found or {name.upper()}
        result.ranges.append(_Range(frozenset(codes), *lines, pragma.line))
    return result


def is_pragma(comment: str) -> bool:
    """Whether a comment is an ignore pragma in a form `build_suppressions` reads: containersec's own (also
    when malformed), hadolint's, Checkov's, or Trivy's (also when expired)."""
    probe = Suppressions()
    # No Trivy ignore has expired before date.min; a malformed own pragma yields nothing but is noted.
    return any(_pragmas([(0, comment)], date.min, probe)) or bool(probe.malformed)


def _pragmas(comments: Iterable[tuple[int, str]], today: date, result: Suppressions) -> Iterable[_Pragma]:
    for line, text in comments:
        text = text.strip()
        if own := _OWN.match(text):
            body = _OWN_BODY.fullmatch(own["body"])
            names = _split_names(body["names"]) if body else []
            if body and names:
                yield _Pragma(line, _OWN_SCOPES[body["scope"].lower()], tuple(names), own=True)
            else:
                result.malformed.append(
                    (line, "expected ignore=, ignore-stage= or ignore-file= followed by rule names"))
        elif hadolint := _HADOLINT.fullmatch(text):
            scope = _HADOLINT_SCOPES[(hadolint["scope"] or "").lower()]
            yield _Pragma(line, scope, tuple(_split_names(hadolint["names"])), own=False, hadolint=True)
        else:
            # Checkov reads its skips file-wide; Trivy's apply to the next instruction until they expire.
            if checkov := _CHECKOV.search(text):
                yield _Pragma(line, FILE, (checkov["name"],), own=False)
            live = [m["name"] for m in _TRIVY.finditer(text)
                    if not m["expires"] or date.fromisoformat(m["expires"]) >= today]
            if live:
                yield _Pragma(line, NEXT, tuple(live), own=False)


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _lines_covered(pragma: _Pragma, spans: Sequence[tuple[int, int, str]]) -> tuple[int, int] | None:
    """First and last finding line the pragma covers, or None when it is misplaced."""
    if pragma.scope == FILE:
        return 1, _END_OF_FILE
    index = next((i for i, (first, _, _) in enumerate(spans) if first > pragma.line), None)
    if index is None:
        return None
    first, last, keyword = spans[index]
    if pragma.scope == NEXT:
        return first, last
    if keyword.upper() != "FROM":
        return None
    next_from = [start for start, _, kw in spans[index + 1:] if kw.upper() == "FROM"]
    return first, next_from[0] - 1 if next_from else _END_OF_FILE


def _codes(name: str) -> set[str]:
    """Rule IDs a pragma name stands for; a ShellCheck code stands for itself."""
    if _SHELLCHECK_CODE.fullmatch(name):
        return {name.upper()}
    return {rule.id.upper() for rule in resolve(name)}
