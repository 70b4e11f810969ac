"""The JSON reporter keeps the contract in DESIGN.md exactly."""

from __future__ import annotations

import json

from containersec import __version__
from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import render


def sample_report() -> Report:
    return Report(
        findings=[
            Finding(rule="CSD008", name="apt-unpinned", severity=Severity.WARNING, stage=Stage.BUILD,
                    path="app/Dockerfile", line=7, end_line=9, column=1, message="pin 'curl'",
                    aliases=("DL3008", "CKV_DOCKER_9")),
            Finding(rule="CSD002", name="root-user", severity=Severity.ERROR, stage=Stage.BUILD,
                    path="app/Dockerfile", line=12, message="last USER is root", fixable=True),
            Finding(rule="CSD555", name="not-a-real-rule", severity=Severity.STYLE, stage=Stage.BUILD,
                    path="app/Dockerfile", line=1, message="style"),
        ],
        errors=[InputError("bad/Dockerfile", "not valid UTF-8 at byte 12")],
        files=2,
    )


def test_document_has_the_contract_keys_in_order() -> None:
    document = json.loads(render(sample_report(), "json"))
    assert list(document) == ["version", "tool", "findings", "errors", "summary"]
    assert document["version"] == "1"
    assert document["tool"] == {"name": "containersec", "version": __version__}
    assert list(document["summary"]) == ["files", "findings", "by_severity"]


def test_findings_and_errors_are_the_contract_objects() -> None:
    report = sample_report()
    document = json.loads(render(report, "json"))
    assert document["findings"][0] == {
        "rule": "CSD008", "name": "apt-unpinned", "aliases": ["DL3008", "CKV_DOCKER_9"], "severity": "warning",
        "stage": "build", "path": "app/Dockerfile", "line": 7, "end_line": 9, "column": 1,
        "message": "pin 'curl'", "fixable": False,
    }
    assert [list(f) for f in document["findings"]] == [list(f.to_json()) for f in report.findings]
    assert document["findings"][1]["fixable"] is True
    assert document["errors"] == [{"path": "bad/Dockerfile", "message": "not valid UTF-8 at byte 12"}]


def test_summary_counts_files_findings_and_severities_most_severe_first() -> None:
    summary = json.loads(render(sample_report(), "json"))["summary"]
    assert summary == {"files": 2, "findings": 3, "by_severity": {"error": 1, "warning": 1, "style": 1}}
    assert list(summary["by_severity"]) == ["error", "warning", "style"]


def test_empty_report() -> None:
    document = json.loads(render(Report(files=3), "json"))
    assert document["findings"] == [] and document["errors"] == []
    assert document["summary"] == {"files": 3, "findings": 0, "by_severity": {}}


def test_indented_by_two_spaces_and_newline_terminated() -> None:
    out = render(sample_report(), "json")
    assert out.startswith('{\n  "version": "1",\n  "tool": {\n    "name": "containersec"')
    assert out.endswith("}\n")


def test_deterministic() -> None:
    assert render(sample_report(), "json") == render(sample_report(), "json")


def test_hostile_text_round_trips_and_stays_printable() -> None:
    hostile = 'a"b\\c\n::add-mask::x\x1b[2J\x00\u202e\udcff'
    report = Report(findings=[Finding(rule="CSD008", name="apt-unpinned", severity=Severity.INFO,
                                      stage=Stage.BUILD, path=hostile, line=1, message=hostile)],
                    errors=[InputError(hostile, hostile)], files=1)
    out = render(report, "json")
    assert all(" " <= ch <= "~" for ch in out.replace("\n", ""))
    document = json.loads(out)
    assert document["findings"][0]["path"] == hostile
    assert document["findings"][0]["message"] == hostile
    assert document["errors"] == [{"path": hostile, "message": hostile}]
