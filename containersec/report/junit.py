"""JUnit XML: one test suite per file, one failing test case per finding, for CI test-report views."""

from __future__ import annotations

from xml.etree import ElementTree

from containersec.findings import Finding, InputError, Report
from containersec.report import xml_document, xml_text


def render(report: Report, *, color: bool = False) -> str:
    findings: dict[str, list[Finding]] = {}
    for finding in report.findings:
        findings.setdefault(finding.path, []).append(finding)
    errors: dict[str, list[InputError]] = {}
    for error in report.errors:
        errors.setdefault(error.path, []).append(error)

    root = ElementTree.Element("testsuites", name="containersec")
    # Files that were checked and passed are known from their sources.
    for path in sorted(set(report.sources) | set(findings) | set(errors)):
        _suite(root, path, findings.get(path, []), errors.get(path, []))
    for total in ("tests", "failures", "errors", "skipped"):
        root.set(total, str(sum(int(suite.get(total, "0")) for suite in root)))
    return xml_document(root)


def _suite(root: ElementTree.Element, path: str, findings: list[Finding], errors: list[InputError]) -> None:
    name = xml_text(path)
    suppressed = [f for f in findings if f.suppression]
    suite = ElementTree.SubElement(root, "testsuite", name=name, tests="0",
                                   failures=str(len(findings) - len(suppressed)), errors=str(len(errors)),
                                   skipped=str(len(suppressed)))
    for finding in findings:
        case = ElementTree.SubElement(suite, "testcase", classname=name,
                                      name=xml_text(f"{finding.rule} {finding.name} line {finding.line}"))
        if finding.suppression:  # accepted: a skipped test, not a failure
            reason = f"suppressed: {finding.suppression.justification}"
            ElementTree.SubElement(case, "skipped", message=xml_text(reason))
            continue
        failure = ElementTree.SubElement(case, "failure", type=finding.severity.label,
                                         message=xml_text(finding.message))
        # Element text keeps line breaks (attributes carry them as &#10;): on stdout, which the Actions runner
        # reads for workflow commands, untrusted text after a break would start a line, so it stays on one.
        text = f"{finding.path}:{finding.line}:{finding.column}: {finding.message}"
        failure.text = xml_text(" ".join(text.splitlines()))
    for error in errors:
        case = ElementTree.SubElement(suite, "testcase", classname=name, name="input error")
        ElementTree.SubElement(case, "error", type="input-error", message=xml_text(error.message))
    if not findings and not errors:
        ElementTree.SubElement(suite, "testcase", classname=name, name="no findings")
    suite.set("tests", str(len(suite)))
