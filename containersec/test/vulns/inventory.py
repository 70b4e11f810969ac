"""What the scanner itself listed, per report, counted as the shared fixtures' expected.json defines it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from containersec.vulnerabilities.records import SEVERITIES, ScanReport


def inventory(report: ScanReport) -> dict[str, object]:
    """The report's entry in the JSON output's `reports` list (no de-duplication, no policy)."""
    return {
        "path": report.path,
        "format": report.format,
        "tool": report.tool,
        "tool_version": report.tool_version,
        "artifact": report.artifact,
        "records": len(report.records),
        "by_severity": _by_severity(record.severity for record in report.records),
        "fixable": sum(1 for record in report.records if record.fixed),
        "vulnerabilities": len({record.id for record in report.records}),
        "packages": len({(record.package, record.installed) for record in report.records}),
        # Trivy misconfigurations, secrets and licenses: listed by the scanner, not vulnerability records.
        "other_results": report.non_vulnerability_results,
        "secrets": {"total": len(report.secrets), "by_severity": _by_severity(s.severity for s in report.secrets)},
        "misconfigurations": {
            "total": len(report.misconfigurations),
            "by_severity": _by_severity(m.severity for m in report.misconfigurations),
            "by_status": dict(Counter(m.status or "UNKNOWN" for m in report.misconfigurations)),
        },
        "licenses": report.licenses,
    }


def _by_severity(severities: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for severity in severities:
        counts[severity] += 1
    return counts
