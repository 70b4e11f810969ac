"""The machine-readable contract of `containersec lint --format json` (DESIGN.md, "Contracts")."""

from __future__ import annotations

import json

from containersec import __version__
from containersec.findings import Finding, Report


def render(report: Report, *, color: bool = False) -> str:
    document = {
        "version": "1",
        "tool": {"name": "containersec", "version": __version__},
        "findings": [_finding(finding) for finding in report.findings],
        "errors": [error.to_json() for error in report.errors],
        "summary": {
            "files": report.files,
            "findings": len(report.open_findings),
            "by_severity": report.by_severity(),
            # Added only when there are some, so a plain run's document stays the contract's exactly.
            **({"suppressed": report.suppressed} if report.suppressed else {}),
        },
        **({"notes": list(report.notices)} if report.notices else {}),
        **report.extra,
    }
    return json.dumps(document, indent=2) + "\n"


def _finding(finding: Finding) -> dict[str, object]:
    """A finding's object; a stage policy's verdict (`fails`) is added when set, so `report merge` exits as the
    runs it joins did."""
    return {**finding.to_json(), **({"fails": finding.fails} if finding.fails is not None else {})}
