"""Checkstyle XML, read by Jenkins, reviewdog, Sonar and most CI dashboards."""

from __future__ import annotations

from xml.etree import ElementTree

from containersec.findings import Report, Severity
from containersec.report import xml_document, xml_text

_SEVERITIES = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "info",
    Severity.STYLE: "info",
}


def render(report: Report, *, color: bool = False) -> str:
    entries: dict[str, list[dict[str, str]]] = {}
    for finding in report.findings:
        entries.setdefault(finding.path, []).append({
            "line": str(finding.line),
            "column": str(finding.column),
            # Checkstyle's `ignore` is the severity of an accepted finding.
            "severity": "ignore" if finding.suppression else _SEVERITIES[finding.severity],
            "message": xml_text(finding.message),
            "source": xml_text(f"containersec.{finding.rule}"),
        })
    for error in report.errors:
        entries.setdefault(error.path, []).append({
            "severity": "error",
            "message": xml_text(error.message),
            "source": "containersec.input-error",
        })
    root = ElementTree.Element("checkstyle", version="4.3")
    for path in sorted(entries):
        file = ElementTree.SubElement(root, "file", name=xml_text(path))
        for attributes in entries[path]:
            ElementTree.SubElement(file, "error", attributes)
    return xml_document(root)
