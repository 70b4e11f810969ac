"""Regular expressions and globs from config and ignore files, matched in linear time (RE2).

Python's `re` backtracks: `(a|aa)+$` on a 41-character package name took 25 s, and the `**` glob as a
Python regex took 38 s on a 4 KB path. Grype's own patterns are Go regexps, which are RE2, so RE2 also
keeps their meaning: no backreferences or lookaround, which Grype would reject too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Protocol

from containersec.untrusted.limits import DocumentError


class LinearPattern(Protocol):
    """What the callers use of a compiled pattern (RE2's and `re`'s share it)."""

    pattern: str

    def fullmatch(self, text: str) -> Any: ...

    def search(self, text: str) -> Any: ...


def regex(pattern: str) -> LinearPattern:
    """`pattern` compiled by RE2; DocumentError naming the problem when RE2 cannot read it."""
    import re2

    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        problem = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise DocumentError(f"not a valid regular expression {pattern!r}: {problem}") from None


@lru_cache(maxsize=1)
def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # the error goes into our message, not to stderr
    return options


@lru_cache(maxsize=256)
def doublestar(pattern: str) -> LinearPattern:
    """A doublestar glob as a whole-path pattern: `**` spans folders, `*` and `?` stay inside one."""
    return regex("(?s)" + _glob_source(pattern))


def any_glob(globs: list[str]) -> LinearPattern:
    """One pattern that matches (as a whole) what any of the doublestar `globs` matches."""
    return regex("(?s)" + "|".join(f"(?:{_glob_source(glob)})" for glob in globs))


def _glob_source(pattern: str) -> str:
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return "".join(parts)
