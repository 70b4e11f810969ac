"""Human-readable output: findings grouped by file, each with its source line and a caret."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from containersec.findings import Finding, InputError, Report, Severity
from containersec.patterns import LazyPattern
from containersec.report import secret_lines, source_line

_SEVERITY_COLORS = {
    Severity.ERROR: "1;31",
    Severity.WARNING: "33",
    Severity.INFO: "36",
    Severity.STYLE: "34",
}
Paint = Callable[[str, str], str]  # (ANSI SGR code, text) -> text to print

_HADOLINT_CODE = LazyPattern(r"DL\d{4}")
_PLURALS = {"error": "errors", "warning": "warnings", "info": "info", "style": "style"}

# Untrusted text could drive the terminal (ESC sequences, C1 controls, stray carriage returns) or
# reorder what the reader sees (bidirectional overrides), so those are shown as escapes instead.
_UNSAFE = LazyPattern(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f"  # C0 except tab, DEL, C1
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional marks and overrides
    r"\ud800-\udfff]"  # lone surrogates from undecodable file names
)


def render(report: Report, *, color: bool = False) -> str:
    paint = _painter(color)
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.path, []).append(finding)
    hidden = secret_lines(report)
    blocks = [
        "\n".join(line for f in findings for line in _finding_lines(report, f, paint, hidden))
        for findings in by_file.values()
    ]
    for section in report.summaries:
        rows = (f"  {safe(label)}: {safe(value)}" for label, value in section.rows)
        blocks.append("\n".join((paint("1", f"{section.stage.value} stage: {safe(section.title)}"), *rows)))
    if report.errors:
        label = paint(_SEVERITY_COLORS[Severity.ERROR], "error")
        lines = (f"{paint('1', safe(error_location(e)))}: {label}: {safe(e.problem)}" for e in report.errors)
        blocks.append("\n".join(lines))
    if report.notices:
        blocks.append("\n".join(f"note: {safe(notice)}" for notice in report.notices))
    totals = paint("1", summary_line(report))
    if report.threshold and report.open_findings and not report.footer:
        totals += f"\n{safe(report.threshold)}"
    blocks.append(totals)
    return "\n\n".join(blocks) + "\n"


def summary_line(report: Report) -> str:
    """`3 findings (1 error, 2 warnings) in 2 files, 2 suppressed, 1 input error`, or `no findings in 2 files`.

    A stage that counts something else (pins, a retention plan) gives its own footer instead.
    """
    if report.footer:
        text = report.footer
    elif report.open_findings:
        breakdown = ", ".join(f"{n} {label if n == 1 else _PLURALS[label]}"
                              for label, n in report.by_severity().items())
        text = f"{_count(len(report.open_findings), 'finding')} ({breakdown}) in {_count(report.files, 'file')}"
    else:
        text = f"no findings in {_count(report.files, 'file')}"
    if report.suppressed:
        text += f", {report.suppressed} suppressed"
    if report.errors:
        text += f", {_count(len(report.errors), 'input error')}"
    return text


def safe(text: str) -> str:
    """`text` with terminal control and bidirectional-override characters shown as escapes."""
    return _UNSAFE.sub(_escape_char, text)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def error_location(error: InputError) -> str:
    """`path:line:col` of an input error where its line is known, else the path."""
    return f"{error.path}:{error.line}:1" if error.line else error.path


def peer_codes(finding: Finding) -> str:
    """` (DL3008)`: hadolint's code for the rule, so a hadolint user recognises the finding; else empty."""
    codes = [alias for alias in finding.aliases if _HADOLINT_CODE.fullmatch(alias) and alias != finding.rule]
    return f" ({', '.join(codes)})" if codes else ""


def _finding_lines(report: Report, finding: Finding, paint: Paint, hidden: set[tuple[str, int]]) -> list[str]:
    location = f"{finding.path}:{finding.line}:{finding.column}"
    severity = finding.severity.label
    lines = [
        f"{paint('1', safe(location))} {paint('2', safe(f'{finding.rule} {finding.name}{peer_codes(finding)}'))} "
        f"{paint(_SEVERITY_COLORS[finding.severity], severity)}{' (suppressed)' if finding.suppression else ''}: "
        f"{safe(finding.message)}"
    ]
    text = source_line(report, finding.path, finding.line)
    if (finding.path, finding.line) in hidden:
        lines.append("    (source line not shown: it holds a secret)")
    elif text is not None:
        column = min(max(finding.column, 1), len(text) + 1)
        lines.append(f"    {safe(text)}")
        lines.append(f"    {_blank(safe(text[: column - 1]))}{paint('1;32', '^')}")
    return lines


def _blank(text: str) -> str:
    """Whitespace as wide as `text` on a terminal, keeping tabs so the caret lines up."""
    return "".join(_blank_char(ch) for ch in text)


def _blank_char(ch: str) -> str:
    if ch == "\t":
        return ch
    if unicodedata.combining(ch):
        return ""
    return "  " if unicodedata.east_asian_width(ch) in "WF" else " "


def _count(n: int, noun: str) -> str:
    return f"{n} {noun if n == 1 else noun + 's'}"


def _painter(enabled: bool) -> Paint:
    if enabled:
        return lambda code, text: f"\x1b[{code}m{text}\x1b[0m"
    return lambda code, text: text
