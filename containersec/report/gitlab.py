"""GitLab Code Quality (a Code Climate subset): a JSON array of issues shown in merge requests."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath

from containersec.findings import Report, Severity
from containersec.report import line_fingerprints

# GitLab accepts info, minor, major, critical and blocker.
_SEVERITIES = {
    Severity.ERROR: "major",
    Severity.WARNING: "minor",
    Severity.INFO: "info",
    Severity.STYLE: "info",
}


def render(report: Report, *, color: bool = False) -> str:
    issues = [
        {
            "description": f"{finding.rule} {finding.name}: {finding.message}",
            "check_name": finding.rule,
            "fingerprint": _md5(f"{fingerprint}:{occurrence}"),
            "severity": _SEVERITIES[finding.severity],
            "location": {"path": PurePath(finding.path).as_posix(), "lines": {"begin": finding.line}},
        }
        for finding, (fingerprint, occurrence) in zip(report.findings, line_fingerprints(report), strict=True)
        if finding.suppression is None  # Code Quality has no accepted state: a listed issue is an open one
    ]
    # An input that could not be checked must not look clean in the merge request.
    issues += [
        {
            "description": f"input error: {error.message}",
            "check_name": "input-error",
            "fingerprint": _md5(f"input-error\0{error.path}\0{error.message}"),
            "severity": "critical",
            "location": {"path": PurePath(error.path).as_posix(), "lines": {"begin": 1}},
        }
        for error in report.errors
    ]
    return json.dumps(issues, indent=2) + "\n"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
