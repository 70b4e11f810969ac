"""What the scanner itself listed, per report, counted as the shared fixtures' expected.json defines it."""

from __future__ import annotations

from containersec.vulnerabilities.records import SEVERITIES, ScanReport


def inventory(report: ScanReport) -> dict[str, object]:
    """The report's entry in the JSON output's `reports` list (no de-duplication, no policy)."""
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for record in report.records:
        by_severity[record.severity] += 1
    return {
        "path": report.path,
        "format": report.format,
        "tool": report.tool,
        "tool_version": report.tool_version,
        "artifact": report.artifact,
        "records": len(report.records),
        "by_severity": by_severity,
        "fixable": sum(1 for record in report.records if record.fixed),
        "vulnerabilities": len({record.id for record in report.records}),
        "packages": len({(record.package, record.installed) for record in report.records}),
        # Trivy misconfigurations, secrets and licenses: listed by the scanner, not vulnerability records.
        "other_results": report.non_vulnerability_results,
    }
