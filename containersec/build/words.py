"""Quote-aware splitting of instruction text into words, keeping each word's offset."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Possessive quantifiers keep this linear on hostile input (an unterminated quote, a huge line).
_WORD = re.compile(r"""(?:[^\s'"\\]++|'[^']*+'?|"(?:[^"\\]++|\\.)*+"?|\\.?)++""", re.DOTALL)


@dataclass(frozen=True)
class Word:
    raw: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.raw)

    @property
    def text(self) -> str:
        return unquote(self.raw)


def split_words(text: str) -> list[Word]:
    return [Word(m[0], m.start()) for m in _WORD.finditer(text)]


_QUOTED = re.compile(r"""'([^']*)'?|"((?:[^"\\]|\\.)*)"?|\\(.)""", re.DOTALL)


def unquote(raw: str) -> str:
    """Remove shell-style quotes and backslash escapes (no expansion)."""
    if not any(c in raw for c in "'\"\\"):
        return raw

    def replace(match: re.Match[str]) -> str:
        if match[1] is not None:
            return match[1]
        if match[2] is not None:
            return re.sub(r'\\([\\"$`])', r"\1", match[2])
        return match[3] or ""

    return _QUOTED.sub(replace, raw)
