"""Findings as workflow commands in the log: the reporter that needs no token, and the fallback when the
Checks or Reviews API refuses (fork pull requests, read-only tokens).

GitHub shows at most 10 error and 10 warning annotations per step and silently drops the rest, so errors
come first, each level stops at the cap, and one plain log line says how many more there are and where.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from containersec.findings import Finding, InputError, Severity
from containersec.report.workflow_commands import command, escape_data

PER_LEVEL_CAP = 10
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning",
          Severity.INFO: "notice", Severity.STYLE: "notice"}


def finding_command(finding: Finding) -> str:
    # A registry finding has no file: an annotation without one, which GitHub shows on the run, not a file.
    place = {"file": finding.path, "line": finding.line, "endLine": finding.end_line,
             "col": finding.column} if finding.in_file else {}
    return command(LEVELS[finding.severity], finding.message, {**place, "title": f"{finding.rule} {finding.name}"})


def emit_annotations(findings: Sequence[Finding], input_errors: Sequence[InputError], sarif_file: str,
                     write: Callable[[str], None]) -> int:
    """Print the capped annotations; returns how many findings did not get one."""
    shown = {"error": 0, "warning": 0, "notice": 0}
    for error in input_errors:
        if shown["error"] < PER_LEVEL_CAP:
            write(command("error", error.problem, {"file": error.path, "line": error.line, "title": "input error"}))
            shown["error"] += 1
    left_out = 0
    for finding in sorted(findings, key=lambda f: -f.severity):
        level = LEVELS[finding.severity]
        if shown[level] < PER_LEVEL_CAP:
            write(finding_command(finding))
            shown[level] += 1
        else:
            left_out += 1
    if left_out:
        write(escape_data(
            f"containersec: {left_out} more findings are not shown as annotations (GitHub shows "
            f"{PER_LEVEL_CAP} per level and step); the job summary and the SARIF file {sarif_file} hold "
            "every finding."))
    return left_out
