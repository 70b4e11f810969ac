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
