"""GitHub Actions workflow commands: one annotation per finding, escaped so input cannot add commands."""

from __future__ import annotations

from containersec.findings import Finding, Report, Severity
from containersec.report.text import safe, summary_line
from containersec.report.workflow_commands import LEVELS, command

# GitHub shows at most this many error and this many warning annotations per step and drops the rest.
SHOWN_PER_STEP = 10

_COMMANDS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.STYLE: "notice",
}


def render(report: Report, *, color: bool = False) -> str:
    lines = [
        command("error", safe(error.message), {"file": safe(error.path), "title": "input error"})
        for error in report.errors
    ]
    # Errors first, then warnings, then notices: what GitHub drops past its cap is the least severe.
    for finding in sorted(report.findings, key=lambda f: LEVELS.index(_command_of(f))):
        lines.append(_annotation(finding))
    errors = len(report.errors) + sum(1 for f in report.findings if _command_of(f) == "error")
    warnings = sum(1 for f in report.findings if _command_of(f) == "warning")
    hidden = max(errors - SHOWN_PER_STEP, 0) + max(warnings - SHOWN_PER_STEP, 0)
    if hidden:
        lines.append(f"GitHub shows {SHOWN_PER_STEP} error and {SHOWN_PER_STEP} warning annotations per step;"
                     f" {hidden} more are only in the log above.")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _command_of(finding: Finding) -> str:
    """A suppressed finding is a notice: accepted, so never raised as an error or a warning."""
    return "notice" if finding.suppression else _COMMANDS[finding.severity]


def _annotation(finding: Finding) -> str:
    # `safe` keeps terminal control characters out of the log; `command` keeps each annotation one command.
    place = {"file": safe(finding.path), "line": finding.line, "endLine": finding.end_line,
             "col": finding.column} if finding.in_file else {}  # a registry finding: no file to point at
    title = f"{finding.rule} {finding.name}{' (suppressed)' if finding.suppression else ''}"
    return command(_command_of(finding), safe(finding.message), {**place, "title": safe(title)})
