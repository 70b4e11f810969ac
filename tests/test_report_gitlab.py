"""The GitLab Code Quality reporter."""

from __future__ import annotations

import json
import re

import pytest

from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import render

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def finding(rule: str = "CSD008", severity: Severity = Severity.WARNING, path: str = "app/Dockerfile",
            line: int = 1, message: str = "a problem", name: str = "apt-unpinned") -> Finding:
    return Finding(rule=rule, name=name, severity=severity, stage=Stage.BUILD, path=path, line=line,
                   message=message)


def issues(report: Report) -> list[dict]:
    out = render(report, "gitlab")
    assert out.endswith("\n")
    document = json.loads(out)
    assert isinstance(document, list)
    for issue in document:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in GITLAB_SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    return document


def test_issue_fields() -> None:
    report = Report(findings=[finding(line=3, message="pin 'curl'")], files=1,
                    sources={"app/Dockerfile": "FROM a\nRUN b\nRUN apt-get install curl\n"})
    [issue] = issues(report)
    assert issue["description"] == "CSD008 apt-unpinned: pin 'curl'"
    assert issue["check_name"] == "CSD008"
    assert issue["severity"] == "minor"
    assert issue["location"] == {"path": "app/Dockerfile", "lines": {"begin": 3}}


@pytest.mark.parametrize(("severity", "expected"), [
    (Severity.ERROR, "major"), (Severity.WARNING, "minor"), (Severity.INFO, "info"), (Severity.STYLE, "info"),
])
def test_severity_mapping(severity: Severity, expected: str) -> None:
    [issue] = issues(Report(findings=[finding("CSD321", severity)], files=1))
    assert issue["severity"] == expected


def test_paths_are_repository_relative() -> None:
    [issue] = issues(Report(findings=[finding(path="./app/Dockerfile")], files=1))
    assert issue["location"]["path"] == "app/Dockerfile"


def test_fingerprints_are_unique_even_on_identical_lines() -> None:
    source = "RUN apt-get install curl\nRUN apt-get install curl\nRUN apt-get install wget\n"
    report = Report(findings=[finding(line=1), finding(line=2), finding(line=3), finding("CSD009", line=1)],
                    files=1, sources={"app/Dockerfile": source})
    assert len({issue["fingerprint"] for issue in issues(report)}) == 4


def test_fingerprint_survives_lines_moving() -> None:
    before = Report(findings=[finding(line=1)], files=1, sources={"app/Dockerfile": "RUN apt-get install curl\n"})
    after = Report(findings=[finding(line=3)], files=1,
                   sources={"app/Dockerfile": "FROM a\n\n    RUN apt-get install   curl\n"})
    changed = Report(findings=[finding(line=1)], files=1, sources={"app/Dockerfile": "RUN apt-get install wget\n"})
    assert issues(before)[0]["fingerprint"] == issues(after)[0]["fingerprint"]
    assert issues(before)[0]["fingerprint"] != issues(changed)[0]["fingerprint"]


def test_input_errors_are_reported_as_critical_issues() -> None:
    report = Report(findings=[finding()], errors=[InputError("bad/Dockerfile", "not valid UTF-8 at byte 12")],
                    files=2)
    error = issues(report)[-1]
    assert error["severity"] == "critical"
    assert error["location"] == {"path": "bad/Dockerfile", "lines": {"begin": 1}}
    assert "not valid UTF-8 at byte 12" in error["description"]


def test_empty_report_is_an_empty_array() -> None:
    assert issues(Report(files=1)) == []


def test_deterministic_and_unknown_rules_render() -> None:
    report = Report(findings=[finding("ZZZ000", name="nobody-knows")], files=1)
    assert render(report, "gitlab") == render(report, "gitlab")
    assert issues(report)[0]["check_name"] == "ZZZ000"
