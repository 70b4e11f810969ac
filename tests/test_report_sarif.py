"""The SARIF reporter: valid against the OASIS schema and shaped for GitHub code scanning."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from jsonschema import Draft7Validator

from containersec import __version__
from containersec.catalogue import all_rules
from containersec.findings import Finding, InputError, Report, Severity, Stage
from containersec.report import render
from containersec.report.sarif import _fenced, artifact_uri

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# RFC 3986 characters, with every "%" starting an escape.
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")
HOSTILE_PATHS = ["dir with space/Docker,file", "100%/Dockerfile", "caf\u00e9/Dockerfile", "./rel/Dockerfile",
                 "/abs/x y/Dockerfile", "a#b?c/Dockerfile", "odd\nname\x1b/Dockerfile", "raw\udcff/Dockerfile"]


def finding(rule: str = "CSD008", severity: Severity = Severity.WARNING, path: str = "app/Dockerfile",
            line: int = 1, message: str = "a problem", name: str = "apt-unpinned", **extra: object) -> Finding:
    return Finding(rule=rule, name=name, severity=severity, stage=Stage.BUILD, path=path, line=line,
                   message=message, **extra)  # type: ignore[arg-type]


def sarif(report: Report) -> dict:
    out = render(report, "sarif")
    assert out.endswith("\n")
    document = json.loads(out)
    errors = sorted(Draft7Validator(SCHEMA).iter_errors(document), key=str)
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return document


def sample_report() -> Report:
    return Report(
        findings=[
            finding(line=3, end_line=5, column=7, message="pin 'curl'", aliases=("DL3008",)),
            finding("CSD900", Severity.INFO, line=2, message="unknown rule, info", name="zz-top", aliases=("XX2",)),
            finding("CSD900", Severity.ERROR, line=1, message="same rule, error", name="zz-top",
                    aliases=("XX1", "XX2")),
            finding("CSD901", Severity.STYLE, path="web/Dockerfile", message="style", name="styled"),
        ],
        errors=[InputError("bad/Dockerfile", "not valid UTF-8 at byte 12")],
        files=3,
        sources={"app/Dockerfile": "FROM a\nRUN b\nRUN apt-get install curl\n", "web/Dockerfile": "FROM b\n"},
    )


def only_run(document: dict) -> dict:
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    return document["runs"][0]


def test_valid_against_the_schema_with_errors_and_hostile_paths() -> None:
    report = sample_report()
    report.findings += [finding(path=p, message=f"in {p}\n::add-mask::x") for p in HOSTILE_PATHS]
    report.errors += [InputError(p, "cannot read\x00") for p in HOSTILE_PATHS]
    run = only_run(sarif(report))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    uris += [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
             for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert all(URI_REFERENCE.match(uri) for uri in uris), uris


def test_empty_report_is_a_valid_successful_run() -> None:
    run = only_run(sarif(Report(files=4)))
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_driver_names_the_tool_and_lists_each_reported_rule_once() -> None:
    driver = only_run(sarif(sample_report()))["tool"]["driver"]
    assert driver["name"] == "containersec"
    assert driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["CSD008", "CSD900", "CSD901"]


def test_results_point_at_their_rule_and_location() -> None:
    run = only_run(sarif(sample_report()))
    rules = run["tool"]["driver"]["rules"]
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "CSD008"
    assert first["message"] == {"text": "pin 'curl'"}
    assert first["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "app/Dockerfile"},
        "region": {"startLine": 3, "endLine": 5, "startColumn": 7},
    }}]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


@pytest.mark.parametrize(("severity", "level", "score"), [
    (Severity.ERROR, "error", "8.0"), (Severity.WARNING, "warning", "5.0"),
    (Severity.INFO, "note", "2.0"), (Severity.STYLE, "note", "0.5"),
])
def test_levels_and_security_severity(severity: Severity, level: str, score: str) -> None:
    run = only_run(sarif(Report(findings=[finding("CSD999", severity)], files=1)))
    assert run["results"][0]["level"] == level
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["defaultConfiguration"] == {"level": level}
    assert rule["properties"]["security-severity"] == score


def test_unknown_rule_falls_back_to_the_findings_name_and_aliases() -> None:
    rules = only_run(sarif(sample_report()))["tool"]["driver"]["rules"]
    unknown = rules[1]
    assert unknown["id"] == "CSD900"
    assert unknown["name"] == "zz-top"
    assert unknown["shortDescription"]["text"] == "CSD900 zz-top"
    assert unknown["properties"]["tags"] == ["security", "XX2", "XX1"]
    # Ranked by the most severe finding the run reported for it.
    assert unknown["properties"]["security-severity"] == "8.0"


def test_known_rule_carries_its_documentation() -> None:
    known = all_rules()
    if not known:
        pytest.skip("no rules are registered in this checkout")
    rule = known[0]
    run = only_run(sarif(Report(findings=[finding(rule.id, Severity.ERROR, name=rule.slug)], files=1)))
    descriptor = run["tool"]["driver"]["rules"][0]
    assert descriptor["name"] == rule.slug
    assert descriptor["shortDescription"] == {"text": rule.summary}
    assert descriptor["fullDescription"] == {"text": rule.why}
    for part in (rule.why, rule.bad, rule.good):
        assert part in descriptor["help"]["text"]
        assert part in descriptor["help"]["markdown"]
    assert descriptor["help"]["markdown"].count("```") >= 4
    assert descriptor["defaultConfiguration"]["level"] == {
        Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.STYLE: "note",
    }[rule.severity]
    assert descriptor["properties"]["tags"][0] == "security"
    assert set(rule.aliases) <= set(descriptor["properties"]["tags"])
    assert descriptor["properties"]["security-severity"] == "8.0"


def test_markdown_fence_outlasts_backticks_in_the_example() -> None:
    fenced = _fenced("RUN echo ```` done", "dockerfile")
    assert fenced.startswith("`````dockerfile\n")
    assert fenced.endswith("\n`````")


@pytest.mark.parametrize(("path", "uri"), [
    ("app/Dockerfile", "app/Dockerfile"),
    ("./app/Dockerfile", "app/Dockerfile"),
    ("dir with space/Docker,file", "dir%20with%20space/Docker%2Cfile"),
    ("100%/Dockerfile", "100%25/Dockerfile"),
    ("caf\u00e9/Dockerfile", "caf%C3%A9/Dockerfile"),
    ("a#b?c/Dockerfile", "a%23b%3Fc/Dockerfile"),
    ("raw\udcff/Dockerfile", "raw%FF/Dockerfile"),
    ("/abs/x y/Dockerfile", "file:///abs/x%20y/Dockerfile"),
])
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri


def test_relative_uri_decodes_back_to_the_path() -> None:
    for path in ("dir with space/Docker,file", "100%/x", "caf\u00e9/Dockerfile", "a#b?c/Dockerfile"):
        assert unquote(artifact_uri(path)) == path


def fingerprints(report: Report) -> list[str]:
    return [r["partialFingerprints"]["primaryLocationLineHash"] for r in only_run(sarif(report))["results"]]


def test_fingerprint_survives_lines_moving_and_reindenting() -> None:
    before = Report(findings=[finding(line=2)], files=1,
                    sources={"app/Dockerfile": "FROM a\nRUN apt-get install curl\n"})
    after = Report(findings=[finding(line=4)], files=1,
                   sources={"app/Dockerfile": "FROM a\n# comment\nUSER x\n  RUN  apt-get install curl\r\n"})
    assert re.fullmatch(r"[0-9a-f]{32}:1", fingerprints(before)[0])
    assert fingerprints(before) == fingerprints(after)


def test_fingerprint_changes_with_line_content_rule_and_path() -> None:
    sources = {"app/Dockerfile": "RUN apt-get install curl\nRUN apt-get install wget\n",
               "other/Dockerfile": "RUN apt-get install curl\n"}
    report = Report(findings=[finding(line=1), finding(line=2), finding("CSD009", line=1),
                              finding(path="other/Dockerfile", line=1)], files=2, sources=sources)
    assert len(set(fingerprints(report))) == 4


def test_identical_lines_get_numbered_occurrences() -> None:
    report = Report(findings=[finding(line=1), finding(line=2)], files=1,
                    sources={"app/Dockerfile": "RUN apt-get install curl\nRUN apt-get install curl\n"})
    first, second = fingerprints(report)
    assert first.endswith(":1") and second.endswith(":2")
    assert first.split(":")[0] == second.split(":")[0]


@pytest.mark.parametrize("stage", list(Stage))
def test_automation_id_names_the_stage(stage: Stage) -> None:
    # The contract id is `containersec/<stage>`; code scanning derives the category from the part before
    # the last `/`, so the documented workflows pass a per-stage `category` to upload-sarif.
    run = only_run(sarif(Report(stages=(stage,))))
    assert run["automationDetails"] == {"id": f"containersec/{stage.value}"}


def test_input_errors_make_the_invocation_unsuccessful_with_notifications() -> None:
    invocation = only_run(sarif(sample_report()))["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [{
        "level": "error",
        "message": {"text": "bad/Dockerfile: not valid UTF-8 at byte 12"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "bad/Dockerfile"}}}],
    }]


def test_region_is_clamped_to_valid_sarif_values() -> None:
    report = Report(findings=[finding(line=0, column=0), finding(line=5, end_line=2)], files=1)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in only_run(sarif(report))["results"]]
    assert regions == [{"startLine": 1, "endLine": 1, "startColumn": 1},
                       {"startLine": 5, "endLine": 5, "startColumn": 1}]


def test_deterministic() -> None:
    assert render(sample_report(), "sarif") == render(sample_report(), "sarif")
