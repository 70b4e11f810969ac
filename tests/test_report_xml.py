"""The checkstyle and JUnit reporters, parsed back with a real XML parser."""

from __future__ import annotations

from xml.etree import ElementTree

from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import render

HOSTILE = 'a & b < c > d "e" \'f\'\nsecond line\x00\x1b[31m\ufffe\udcff end'
HOSTILE_AS_XML = 'a & b < c > d "e" \'f\'\nsecond line[31m end'


def finding(rule: str = "CSD008", severity: Severity = Severity.WARNING, path: str = "app/Dockerfile",
            line: int = 1, column: int = 1, message: str = "a problem", name: str = "apt-unpinned") -> Finding:
    return Finding(rule=rule, name=name, severity=severity, stage=Stage.BUILD, path=path, line=line,
                   column=column, message=message)


def sample_report() -> Report:
    return Report(
        findings=[
            finding(line=3, column=5, message="pin 'curl'"),
            finding("CSD002", Severity.ERROR, line=9, message="last USER is root", name="root-user"),
            finding("CSD404", Severity.INFO, path="web/Dockerfile", message="unknown rule", name="mystery"),
            finding("CSD405", Severity.STYLE, path="web/Dockerfile", line=2, message="style", name="styled"),
        ],
        errors=[InputError("bad/Dockerfile", "not valid UTF-8 at byte 12")],
        files=4,
        sources={"app/Dockerfile": "", "web/Dockerfile": "", "clean/Dockerfile": "FROM scratch\n"},
    )


def parse(report: Report, fmt: str) -> ElementTree.Element:
    out = render(report, fmt)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert out.endswith("\n")
    return ElementTree.fromstring(out.encode("utf-8"))


# checkstyle


def test_checkstyle_groups_errors_by_file() -> None:
    root = parse(sample_report(), "checkstyle")
    assert root.tag == "checkstyle" and root.get("version") == "4.3"
    assert [f.get("name") for f in root.findall("file")] == ["app/Dockerfile", "bad/Dockerfile", "web/Dockerfile"]
    app = root.find("file[@name='app/Dockerfile']")
    assert [e.attrib for e in app] == [
        {"line": "3", "column": "5", "severity": "warning", "message": "pin 'curl'", "source": "containersec.CSD008"},
        {"line": "9", "column": "1", "severity": "error", "message": "last USER is root",
         "source": "containersec.CSD002"},
    ]


def test_checkstyle_severities() -> None:
    root = parse(sample_report(), "checkstyle")
    severities = {e.get("source"): e.get("severity") for e in root.iter("error")}
    assert severities == {"containersec.CSD008": "warning", "containersec.CSD002": "error",
                          "containersec.CSD404": "info", "containersec.CSD405": "info",
                          "containersec.input-error": "error"}


def test_checkstyle_input_error_sits_in_its_file() -> None:
    bad = parse(sample_report(), "checkstyle").find("file[@name='bad/Dockerfile']")
    [error] = list(bad)
    assert error.get("severity") == "error"
    assert error.get("message") == "not valid UTF-8 at byte 12"


def test_checkstyle_escapes_markup_and_drops_characters_xml_forbids() -> None:
    report = Report(findings=[finding(path=f"d/{HOSTILE}", message=HOSTILE)],
                    errors=[InputError(HOSTILE, HOSTILE)], files=1)
    root = parse(report, "checkstyle")
    names = [f.get("name") for f in root.findall("file")]
    assert names == [HOSTILE_AS_XML, f"d/{HOSTILE_AS_XML}"]
    assert [e.get("message") for e in root.iter("error")] == [HOSTILE_AS_XML, HOSTILE_AS_XML]


def test_checkstyle_empty_report() -> None:
    root = parse(Report(files=3), "checkstyle")
    assert root.tag == "checkstyle" and list(root) == []


# JUnit


def suites(report: Report) -> dict[str, ElementTree.Element]:
    root = parse(report, "junit")
    assert root.tag == "testsuites"
    return {suite.get("name"): suite for suite in root.findall("testsuite")}


def test_junit_one_suite_per_file_with_counts() -> None:
    by_name = suites(sample_report())
    assert list(by_name) == ["app/Dockerfile", "bad/Dockerfile", "clean/Dockerfile", "web/Dockerfile"]
    counts = {name: (s.get("tests"), s.get("failures"), s.get("errors")) for name, s in by_name.items()}
    assert counts == {"app/Dockerfile": ("2", "2", "0"), "bad/Dockerfile": ("1", "0", "1"),
                      "clean/Dockerfile": ("1", "0", "0"), "web/Dockerfile": ("2", "2", "0")}


def test_junit_totals_on_the_root() -> None:
    root = parse(sample_report(), "junit")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "4", "1")


def test_junit_failure_per_finding() -> None:
    app = suites(sample_report())["app/Dockerfile"]
    cases = app.findall("testcase")
    assert [(c.get("name"), c.get("classname")) for c in cases] == [
        ("CSD008 apt-unpinned line 3", "app/Dockerfile"), ("CSD002 root-user line 9", "app/Dockerfile"),
    ]
    failure = cases[0].find("failure")
    assert failure.get("type") == "warning"
    assert failure.get("message") == "pin 'curl'"
    assert failure.text == "app/Dockerfile:3:5: pin 'curl'"
    assert cases[1].find("failure").get("type") == "error"


def test_junit_checked_file_without_findings_passes() -> None:
    [case] = suites(sample_report())["clean/Dockerfile"].findall("testcase")
    assert case.get("classname") == "clean/Dockerfile"
    assert list(case) == []


def test_junit_input_error_is_an_error_testcase() -> None:
    [case] = suites(sample_report())["bad/Dockerfile"].findall("testcase")
    [error] = list(case)
    assert error.tag == "error"
    assert error.get("message") == "not valid UTF-8 at byte 12"


def test_junit_escapes_markup_and_drops_characters_xml_forbids() -> None:
    report = Report(findings=[finding(path=HOSTILE, message=HOSTILE, name="n<&>")], files=1)
    suite = suites(report)[HOSTILE_AS_XML]
    [case] = suite.findall("testcase")
    assert case.get("name") == "CSD008 n<&> line 1"
    assert case.find("failure").get("message") == HOSTILE_AS_XML
    # On one line: the runner reads stdout for workflow commands, so no untrusted text may start a line.
    assert case.find("failure").text == " ".join(f"{HOSTILE_AS_XML}:1:1: {HOSTILE_AS_XML}".splitlines())


def test_xml_is_deterministic() -> None:
    for fmt in ("checkstyle", "junit"):
        assert render(sample_report(), fmt) == render(sample_report(), fmt)
