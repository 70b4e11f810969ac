"""The Action end to end with scanner reports: one check run for both stages, annotations on the Dockerfile line
where the report's layer data places a vulnerability (else on the report), a job summary section, SARIF runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from github_emulator import GitHubEmulator
from test_action_e2e import SHARED, emulator, make_workspace, rule_id  # noqa: F401  (emulator is a fixture)
from test_vulns_locate import FLUENTD, FLUENTD_DOCKERFILE

ALPINE_SARIF = SHARED / "fixtures" / "scan-reports" / "trivy-alpine-3.10.sarif"


def test_reports_join_the_check_run_summary_and_sarif(tmp_path: Path, emulator: GitHubEmulator) -> None:  # noqa: F811
    maintainer = rule_id("maintainer")
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": FLUENTD_DOCKERFILE + "MAINTAINER someone\n"},
                               select=(maintainer, "CSV001"))
    (workspace.root / "reports").mkdir()
    shutil.copy(FLUENTD, workspace.root / "reports" / "fluentd.json")
    shutil.copy(ALPINE_SARIF, workspace.root / "reports" / "alpine.sarif")
    workspace.register()
    result = workspace.run(tmp_path, scan_reports="reports/*.json\nreports/alpine.sarif",
                           dockerfile_for_reports="Dockerfile", filter_mode="nofilter")

    assert result.returncode == 1, result.stderr + result.stdout
    [run] = emulator.check_runs.values()
    annotations = emulator.annotations[run["id"]]
    by_rule: dict[str, list[tuple[str, int, str]]] = {}
    for item in annotations:
        by_rule.setdefault(item["title"].split()[0], []).append((item["path"], item["start_line"],
                                                                 item["annotation_level"]))
    assert by_rule[maintainer] == [("Dockerfile", 13, "warning")]
    located = sorted(a for a in by_rule["CSV001"] if a[0] == "Dockerfile")
    assert located == [("Dockerfile", 1, "failure"), ("Dockerfile", 5, "failure")]  # libidn2-0 base, gem by RUN
    on_report = [a for a in by_rule["CSV001"] if a[0] == "reports/alpine.sarif"]
    assert len(on_report) == 4 and {a[1] for a in on_report} == {1}
    assert run["conclusion"] == "failure"

    assert "#### test stage: vulnerability reports" in result.summary
    assert "CRITICAL 1, HIGH 1, MEDIUM 4" in result.summary
    base_row = "| base image | 1 of 6 come from the base image debian\\:10\\.2; a newer base fixes 1 of 1 |"
    assert base_row in result.summary  # Markdown-escaped

    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(result.sarif, schema)
    runs = {r["automationDetails"]["id"]: r for r in result.sarif["runs"]}
    assert list(runs) == ["containersec/build", "containersec/test"]
    assert len(runs["containersec/test"]["results"]) == 6
    assert result.outputs["findings"] == str(len(annotations)) == "7"


def test_a_broken_report_exits_2_and_the_others_still_count(tmp_path: Path, emulator: GitHubEmulator) -> None:  # noqa: F811
    workspace = make_workspace(tmp_path, emulator, {}, {"Dockerfile": "FROM alpine:3.20\n"}, select=("CSV001",))
    (workspace.root / "trivy.json").write_text('{"SchemaVersion": 2, "Results": [', encoding="utf-8")
    shutil.copy(ALPINE_SARIF, workspace.root / "alpine.sarif")
    workspace.register()
    result = workspace.run(tmp_path, scan_reports="trivy.json alpine.sarif", reporter="workflow-commands",
                           filter_mode="nofilter")
    assert result.returncode == 2
    assert "trivy.json" in result.stdout and "truncated JSON" in result.stdout
    [test_run] = [r for r in result.sarif["runs"] if r["automationDetails"]["id"] == "containersec/test"]
    assert len(test_run["results"]) == 4 and test_run["invocations"][0]["executionSuccessful"] is False


def test_scan_reports_input_reads_paths_and_globs_per_line() -> None:
    from containersec.github.context import ActionError, read_inputs

    inputs = read_inputs({"INPUT_SCAN-REPORTS": "trivy.json 'with space.sarif'\n  reports/**/*.json\n",
                          "INPUT_DOCKERFILE-FOR-REPORTS": " app/Dockerfile "}, on_pull_request=False)
    assert inputs.scan_reports == ["trivy.json", "with space.sarif", "reports/**/*.json"]
    assert inputs.dockerfile_for_reports == "app/Dockerfile"
    assert read_inputs({}, on_pull_request=False).scan_reports == []
    with pytest.raises(ActionError, match="input scan-reports: No closing quotation"):
        read_inputs({"INPUT_SCAN-REPORTS": "'open"}, on_pull_request=False)
