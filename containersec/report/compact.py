"""One line per finding, `path:line:col: severity RULE message`, for terminals, editors and grep.

A suppressed finding (`vulns --show-suppressed`) says `(suppressed)` before its message.
Input errors come as `path:line:col: error input-error message` where the line is known, else
`path: error input-error message`. Nothing else: a clean run prints nothing, and notes go to standard error.
"""

from __future__ import annotations

from containersec.findings import Report
from containersec.report.text import error_location, safe


def render(report: Report, *, color: bool = False) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.severity.label} {f.rule} "
             f"{'(suppressed) ' if f.suppression else ''}{_one_line(f.message)}" for f in report.findings]
    lines.extend(f"{error_location(e)}: error input-error {_one_line(e.problem)}" for e in report.errors)
    return "".join(safe(line) + "\n" for line in lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
