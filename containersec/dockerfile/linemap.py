"""Offsets in joined text (an instruction's continuation lines, a script's pieces) mapped back to the source."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass
class LineMap:
    """Maps offsets in joined (logical) text back to 1-based source lines."""

    starts: list[int]
    lines: list[int]
    columns: list[int] | None = None  # 1-based source column of each segment start (default 1)

    def line_of(self, offset: int) -> int:
        return self.lines[max(bisect_right(self.starts, offset) - 1, 0)]

    def column_of(self, offset: int) -> int:
        index = max(bisect_right(self.starts, offset) - 1, 0)
        base = self.columns[index] if self.columns else 1
        return base + offset - self.starts[index]


def source_lines(text: str) -> list[str]:
    """`text`'s lines with their ends, split at newlines only, as the Dockerfile parser counts them
    (`str.splitlines` also splits at form feeds, record separators, U+2028 and others, so its line numbers drift)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
