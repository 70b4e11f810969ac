"""Several stages in one report: merging, SARIF runs, the JSON envelope, summaries, scope and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft7Validator

from containersec.findings import Finding, InputError, Report, Severity, Stage, StageSummary
from containersec.github.diff import FileChange, scope
from containersec.github.summary import CHECK_SUMMARY_LIMIT, SummaryFacts, render_summary
from containersec.report import render

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
HOSTILE = "::add-mask::x <script>alert(1)</script> | `y` ](javascript:z)"


def finding(stage: Stage, rule: str, line: int = 1, severity: Severity = Severity.WARNING, **extra) -> Finding:
    return Finding(rule, f"rule-{rule.lower()}", severity, stage, f"{stage.value}.txt", line, "m", **extra)


def build_and_test() -> Report:
    build = Report(stages=(Stage.BUILD,), findings=[finding(Stage.BUILD, "CSD002")], files=1,
                   sources={"build.txt": "FROM x:latest\n"})
    test = Report(stages=(Stage.TEST,), findings=[finding(Stage.TEST, "CSV001", severity=Severity.ERROR,
                                                          extra={"vulnerability": {"id": "CVE-1"}})],
                  errors=[InputError("bad.json", "truncated", Stage.TEST)], files=2,
                  extra={"reports": [{"path": "a.json"}]},
                  summaries=[StageSummary(Stage.TEST, "vulnerabilities", (("fixable", "3"), ("label", HOSTILE)))])
    return Report.merged([build, test])


def test_merged_keeps_every_part_of_every_stage():
    report = build_and_test()
    assert report.stages == (Stage.BUILD, Stage.TEST)
    assert [f.rule for f in report.findings] == ["CSD002", "CSV001"]
    assert report.files == 3
    assert report.errors == [InputError("bad.json", "truncated", Stage.TEST)]
    assert report.extra == {"reports": [{"path": "a.json"}]}
    assert report.sources == {"build.txt": "FROM x:latest\n"}


def test_sarif_has_one_valid_run_per_stage_with_its_own_findings_and_errors():
    document = json.loads(render(build_and_test(), "sarif"))
    assert list(Draft7Validator(SCHEMA).iter_errors(document)) == []
    build, test = document["runs"]
    assert build["automationDetails"] == {"id": "containersec/build"}
    assert test["automationDetails"] == {"id": "containersec/test"}
    assert [r["ruleId"] for r in build["results"]] == ["CSD002"]
    assert [r["ruleId"] for r in test["results"]] == ["CSV001"]
    assert [r["id"] for r in test["tool"]["driver"]["rules"]] == ["CSV001"]
    assert build["invocations"][0]["executionSuccessful"] is True
    assert test["invocations"][0]["executionSuccessful"] is False


def test_json_adds_stage_members_to_the_envelope_and_findings():
    document = json.loads(render(build_and_test(), "json"))
    assert set(document) == {"version", "tool", "findings", "errors", "summary", "reports"}
    assert document["reports"] == [{"path": "a.json"}]
    assert document["findings"][1]["vulnerability"] == {"id": "CVE-1"}
    assert "vulnerability" not in document["findings"][0]
    assert document["errors"] == [{"path": "bad.json", "message": "truncated"}]


def test_text_shows_stage_summaries_escaped():
    text = render(build_and_test(), "text")
    assert "test stage: vulnerabilities" in text
    assert "  fixable: 3" in text


def test_job_summary_has_a_row_and_a_section_per_stage_with_untrusted_text_escaped():
    report = build_and_test()
    facts = SummaryFacts("failure", Severity.WARNING, "added", report.stages, report.findings,
                         len(report.findings), report.errors, "out.sarif", lambda f: None, report.summaries)
    text = render_summary(facts, CHECK_SUMMARY_LIMIT)
    assert "| build | 0 | 1 | 0 | 0 | 1 |" in text
    assert "| test | 1 | 0 | 0 | 0 | 1 |" in text
    assert "#### test stage: vulnerabilities" in text
    assert "<script>" not in text and "\n::add-mask::" not in text


def test_filter_modes_apply_to_build_findings_only():
    findings = [finding(Stage.BUILD, "CSD002", line=5), finding(Stage.TEST, "CSV001", line=9),
                finding(Stage.RELEASE, "CSR001")]
    changes = {"build.txt": FileChange(added={1}, in_diff={1})}
    assert [f.rule for f in scope(findings, "added", changes)] == ["CSV001", "CSR001"]


def test_a_stage_policy_decides_failing_over_the_threshold():
    inside_window = finding(Stage.TEST, "CSV001", severity=Severity.ERROR, fails=False)
    forced = finding(Stage.TEST, "CSV002", severity=Severity.INFO, fails=True)
    assert Report(findings=[inside_window]).exit_code(Severity.WARNING) == 0
    assert Report(findings=[forced]).exit_code(Severity.ERROR) == 1
    assert Report(findings=[forced]).exit_code(None) == 0  # fail-on none never fails on findings


def test_stage_sections_are_kept_for_their_stage_and_must_be_mappings(tmp_path):
    import pytest

    from containersec.config import ConfigError, load_config

    (tmp_path / ".containersec.yaml").write_text("vulns:\n  fail-on: HIGH\nimage: {}\n", encoding="utf-8")
    config = load_config(None, tmp_path)
    assert config.section("vulns") == {"fail-on": "HIGH"}
    assert config.section("registry") == {}
    assert str(config.section_error("vulns.fail-on", "bad")) == ".containersec.yaml: vulns.fail-on: bad"
    (tmp_path / ".containersec.yaml").write_text("vulns: [1]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="vulns: expected a mapping"):
        load_config(None, tmp_path)
