"""Quote-aware splitting of instruction text into words, keeping each word's offset.

The escape character is the file's (`# escape=` directive): a backslash, or a backtick in Windows
Dockerfiles, where a backslash is an ordinary path character (`WORKDIR C:\\app`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

BACKSLASH = "\\"


@cache
def _word_pattern(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    # Possessive quantifiers keep this linear on hostile input (an unterminated quote, a huge line).
    return re.compile(rf"""(?:[^\s'"{e}]++|'[^']*+'?|"(?:[^"{e}]++|{e}.)*+"?|{e}.?)++""", re.DOTALL)


@cache
def _quoted_pattern(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(rf"""'([^']*)'?|"((?:[^"{e}]|{e}.)*)"?|{e}(.)""", re.DOTALL)


@cache
def _escaped_in_double_quotes(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(rf'{e}([{e}"$`])')


@dataclass(frozen=True)
class Word:
    """One whitespace-separated word of an instruction, quotes and escapes kept as written."""

    raw: str
    start: int
    escape: str = BACKSLASH

    @property
    def end(self) -> int:
        return self.start + len(self.raw)

    @property
    def text(self) -> str:
        return unquote(self.raw, self.escape)


def split_words(text: str, escape: str = BACKSLASH) -> list[Word]:
    return [Word(m[0], m.start(), escape) for m in _word_pattern(escape).finditer(text)]


def unquote(raw: str, escape: str = BACKSLASH) -> str:
    """Remove shell-style quotes and escapes (no expansion)."""
    if not any(c in raw for c in ("'", '"', escape)):
        return raw
    inner_escape = _escaped_in_double_quotes(escape)

    def replace(match: re.Match[str]) -> str:
        if match[1] is not None:
            return match[1]
        if match[2] is not None:
            return inner_escape.sub(r"\1", match[2])
        return match[3] or ""

    return _quoted_pattern(escape).sub(replace, raw)
