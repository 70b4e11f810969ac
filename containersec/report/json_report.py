"""The machine-readable contract of `containersec lint --format json` (DESIGN.md, "Contracts")."""

from __future__ import annotations

import json

from containersec import __version__
from containersec.findings import Report


def render(report: Report, *, color: bool = False) -> str:
    document = {
        "version": "1",
        "tool": {"name": "containersec", "version": __version__},
        "findings": [finding.to_json() for finding in report.findings],
        "errors": [error.to_json() for error in report.errors],
        "summary": {
            "files": report.files,
            "findings": len(report.findings),
            "by_severity": report.by_severity(),
        },
        **report.extra,
    }
    return json.dumps(document, indent=2) + "\n"
