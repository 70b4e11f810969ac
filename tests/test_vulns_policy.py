"""The vulnerability policy: exceptions, the peers' ignore files, OpenVEX, only-fixed, grace-days, fail-on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from containersec.config import ConfigError, load_config
from containersec.findings import Report, Severity
from containersec.test.vulns import check_reports

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = SHARED / "fixtures" / "scan-reports"
ALPINE = str(REPORTS / "trivy-alpine-3.10.json")  # CVE-2019-1549 and CVE-2019-1551 in libssl1.1 and libcrypto1.1
ALPINE_SARIF = str(REPORTS / "trivy-alpine-3.10.sarif")
BUSYBOX = str(REPORTS / "grype-busybox-1.32.1.json")
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(project: Path, config_text: str, *reports: str, now: dt.datetime = NOW, **options: object) -> Report:
    (project / ".containersec.yaml").write_text(config_text, encoding="utf-8")
    return check_reports(list(reports), load_config(None, project), now=now, **options)  # type: ignore[arg-type]


def vulns(report: Report) -> set[tuple[str, str]]:
    return {(f.extra["vulnerability"]["id"], f.extra["vulnerability"]["package"])  # type: ignore[index]
            for f in report.findings if f.rule == "CSV001"}


def rows(report: Report) -> dict[str, str]:
    return dict(report.summaries[0].rows)


ALL_ALPINE = {("CVE-2019-1549", "libssl1.1"), ("CVE-2019-1549", "libcrypto1.1"),
              ("CVE-2019-1551", "libssl1.1"), ("CVE-2019-1551", "libcrypto1.1")}


def test_without_policy_every_vulnerability_is_a_finding(project: Path) -> None:
    report = run(project, "{}\n", ALPINE)
    assert vulns(report) == ALL_ALPINE
    assert {f.severity for f in report.findings} == {Severity.WARNING}  # MEDIUM
    assert report.exit_code(Severity.WARNING) == 1
    assert rows(report)["suppressed"] == "0 suppressed"


def test_a_valid_exception_suppresses_and_is_counted(project: Path) -> None:
    report = run(project, "vulns:\n  exceptions:\n    - id: CVE-2019-1549\n      reason: no TLS in this image\n"
                          "      expires: 2026-09-01\n", ALPINE)
    assert vulns(report) == ALL_ALPINE - {("CVE-2019-1549", "libssl1.1"), ("CVE-2019-1549", "libcrypto1.1")}
    assert rows(report)["suppressed"] == "2 suppressed: 2 by exceptions"
    assert "no TLS in this image" in rows(report)["suppressed because"]


def test_a_package_scoped_exception_leaves_the_other_packages(project: Path) -> None:
    report = run(project, "vulns:\n  exceptions:\n    - {id: CVE-2019-1549, package: libssl1.1, reason: r, "
                          "expires: 2026-09-01}\n", ALPINE)
    assert vulns(report) == ALL_ALPINE - {("CVE-2019-1549", "libssl1.1")}


def test_an_expired_exception_stops_applying_and_is_itself_a_finding(project: Path) -> None:
    report = run(project, "vulns:\n  exceptions:\n    - id: CVE-2019-1549\n      reason: accepted in Q1\n"
                          "      expires: 2026-06-01\n", ALPINE)
    assert vulns(report) == ALL_ALPINE
    expired = [f for f in report.findings if f.rule == "CSV002"]
    assert len(expired) == 1 and expired[0].path == ".containersec.yaml" and expired[0].line == 3
    assert "expired on 2026-06-01" in expired[0].message


def test_an_exception_matching_nothing_is_reported_as_unused(project: Path) -> None:
    report = run(project, "vulns:\n  exceptions:\n    - {id: CVE-2000-0001, reason: r, expires: 2027-01-01}\n", ALPINE)
    unused = [f for f in report.findings if f.rule == "CSV003"]
    assert len(unused) == 1 and "matches no vulnerability" in unused[0].message


@pytest.mark.parametrize(("entry", "key"), [
    ("{id: CVE-2019-1549, expires: 2027-01-01}", "vulns.exceptions[0].reason"),
    ("{id: CVE-2019-1549, reason: '  ', expires: 2027-01-01}", "vulns.exceptions[0].reason"),
    ("{id: CVE-2019-1549, reason: r}", "vulns.exceptions[0].expires"),
    ("{reason: r, expires: 2027-01-01}", "vulns.exceptions[0].id"),
    ("{id: CVE-2019-1549, reason: r, expires: next week}", "vulns.exceptions[0].expires"),
    ("{id: CVE-2019-1549, reason: r, expires: 2027-01-01, until: x}", "vulns.exceptions[0].until"),
])
def test_an_incomplete_exception_is_a_config_error_naming_the_entry(project: Path, entry: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        run(project, f"vulns:\n  exceptions:\n    - {entry}\n", ALPINE)
    assert caught.value.path == ".containersec.yaml" and caught.value.key == key


def test_trivyignore_without_and_with_exp(project: Path) -> None:
    (project / ".trivyignore").write_text("# accepted\nCVE-2019-1549\nCVE-2019-1551 exp:2026-06-02 owner:me\n",
                                          encoding="utf-8")
    report = run(project, "{}\n", ALPINE)
    assert vulns(report) == set()
    assert rows(report)["suppressed"] == "4 suppressed: 4 by ignore files"


@pytest.mark.parametrize(("now", "applies"), [
    (dt.datetime(2026, 6, 1, 23, 59, 59, tzinfo=dt.UTC), True),
    (dt.datetime(2026, 6, 2, 0, 0, 0, tzinfo=dt.UTC), False),
])
def test_trivyignore_exp_stops_applying_at_midnight_utc_of_its_date(project: Path, now: dt.datetime,
                                                                      applies: bool) -> None:
    (project / ".trivyignore").write_text("CVE-2019-1551 exp:2026-06-02\n", encoding="utf-8")
    report = run(project, "{}\n", ALPINE, now=now)
    assert (("CVE-2019-1551", "libssl1.1") in vulns(report)) is not applies
    assert any(f.rule == "CSV002" and f.path == ".trivyignore" for f in report.findings) is not applies


def test_trivyignore_ids_are_exact_and_a_bad_exp_drops_the_line(project: Path) -> None:
    (project / ".trivyignore").write_text("cve-2019-1549\nCVE-2019-1551 exp:2026-13-40\n", encoding="utf-8")
    assert vulns(run(project, "{}\n", ALPINE)) == ALL_ALPINE


def test_trivyignore_yaml_with_paths_purls_and_expiry(project: Path) -> None:
    (project / ".trivyignore.yaml").write_text(
        "vulnerabilities:\n"
        "  - id: CVE-2019-1549\n    purls: ['pkg:apk/alpine/libssl1.1']\n    statement: openssl not used\n"
        "  - id: CVE-2019-1551\n    paths: ['testdata/**']\n    expired_at: 2026-01-01\n", encoding="utf-8")
    report = run(project, "{}\n", ALPINE)
    assert vulns(report) == ALL_ALPINE - {("CVE-2019-1549", "libssl1.1")}
    assert "openssl not used" in rows(report)["suppressed because"]
    assert any(f.rule == "CSV002" and f.path == ".trivyignore.yaml" for f in report.findings)


def test_an_invalid_purl_fails_the_trivyignore_yaml(project: Path) -> None:
    (project / ".trivyignore.yaml").write_text("vulnerabilities:\n  - id: X\n    purls: ['not a purl']\n",
                                               encoding="utf-8")
    with pytest.raises(ConfigError, match=r"purls\[0\]"):
        run(project, "{}\n", ALPINE)


def test_grype_ignore_rules_are_anded(project: Path) -> None:
    (project / ".grype.yaml").write_text(
        "ignore:\n"
        "  - vulnerability: CVE-2019-1551\n    package: {name: libssl1.1}\n    reason: not reachable\n"
        "  - vulnerability: CVE-2019-1549\n    package: {name: nothing-like-this}\n"
        "  - package: {name: 'libcrypto.*', version: 1.1.1c-r0}\n"
        "  - {}\n", encoding="utf-8")
    report = run(project, "{}\n", ALPINE)
    assert vulns(report) == {("CVE-2019-1549", "libssl1.1")}


def test_grype_fix_state_rule_on_a_grype_report(project: Path) -> None:
    (project / ".grype.yaml").write_text("ignore:\n  - fix-state: unknown\n", encoding="utf-8")
    report = run(project, "{}\n", BUSYBOX)
    # busybox: 14 records with an empty fix state (unknown) and one fixed
    assert len(vulns(report)) == 1


def _openvex(version: str, statements: list[dict[str, object]]) -> str:
    context = "https://openvex.dev/ns/v0.2.0" if version == "0.2" else "https://openvex.dev/ns"
    return json.dumps({"@context": context, "@id": "https://example.com/vex-1", "author": "sec team",
                       "timestamp": "2026-01-01T00:00:00Z", "version": 1, "statements": statements})


def test_openvex_0_2_not_affected_suppresses_with_its_justification(project: Path) -> None:
    (project / "app.openvex.json").write_text(_openvex("0.2", [{
        "vulnerability": {"name": "CVE-2019-1549"},
        "products": [{"@id": "pkg:oci/alpine@sha256%3A961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4",
                      "subcomponents": [{"@id": "pkg:apk/alpine/libssl1.1"}]}],
        "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]), encoding="utf-8")
    report = run(project, "vulns:\n  vex: app.openvex.json\n", ALPINE)
    assert vulns(report) == ALL_ALPINE - {("CVE-2019-1549", "libssl1.1")}
    assert rows(report)["suppressed"] == "1 suppressed: 1 by VEX"
    assert "vulnerable_code_not_in_execute_path" in rows(report)["suppressed because"]


def test_openvex_0_0_1_plain_strings_and_the_newest_statement_wins(project: Path) -> None:
    (project / "old.vex.json").write_text(_openvex("0.0.1", [
        {"vulnerability": "CVE-2019-1551", "products": ["pkg:apk/alpine/libcrypto1.1@1.1.1c-r0"],
         "status": "not_affected", "justification": "component_not_present", "timestamp": "2026-01-01T00:00:00Z"},
        {"vulnerability": "CVE-2019-1551", "products": ["pkg:apk/alpine/libssl1.1"], "status": "fixed"},
        {"vulnerability": "CVE-2019-1549", "products": ["pkg:apk/alpine/libssl1.1"], "status": "not_affected",
         "justification": "inline_mitigations_already_exist", "timestamp": "2026-01-01T00:00:00Z"},
        {"vulnerability": "CVE-2019-1549", "products": ["pkg:apk/alpine/libssl1.1"], "status": "affected",
         "action_statement": "upgrade", "timestamp": "2026-03-01T00:00:00Z"},
    ]), encoding="utf-8")
    report = run(project, "vulns:\n  vex: [old.vex.json]\n", ALPINE)
    assert vulns(report) == {("CVE-2019-1549", "libssl1.1"), ("CVE-2019-1549", "libcrypto1.1")}


def test_show_suppressed_lists_them_without_failing(project: Path) -> None:
    (project / ".trivyignore").write_text("CVE-2019-1549\nCVE-2019-1551\n", encoding="utf-8")
    report = run(project, "{}\n", ALPINE, show_suppressed=True)
    assert vulns(report) == ALL_ALPINE
    assert all(f.extra["suppressed"]["by"] == "ignore files" for f in report.findings)  # type: ignore[index]
    assert report.exit_code(Severity.WARNING) == 0


def test_only_fixed_suppresses_vulnerabilities_without_a_fix(project: Path) -> None:
    report = run(project, "vulns:\n  only-fixed: true\n", BUSYBOX)
    assert len(vulns(report)) == 1
    assert rows(report)["suppressed"] == "14 suppressed: 14 by only-fixed"


def test_fail_on_names_a_scanner_severity(project: Path) -> None:
    medium_only = run(project, "vulns:\n  fail-on: HIGH\n", ALPINE)
    assert medium_only.exit_code(Severity.WARNING) == 0 and len(medium_only.findings) == 4
    assert run(project, "vulns:\n  fail-on: medium\n", ALPINE).exit_code(Severity.ERROR) == 1


def test_grace_days_report_a_new_vulnerability_without_failing(project: Path) -> None:
    # CVE-2019-1549 was published 2019-09-10, CVE-2019-1551 2019-12-06.
    now = dt.datetime(2019, 12, 20, tzinfo=dt.UTC)
    report = run(project, "vulns:\n  grace-days: {MEDIUM: 30}\n", ALPINE, now=now)
    failing = {f.extra["vulnerability"]["id"] for f in report.findings if f.reaches(Severity.WARNING)}  # type: ignore[index]
    assert failing == {"CVE-2019-1549"}
    assert "patch window until 2020-01-05" in next(f.message for f in report.findings if "1551" in f.message)


def test_a_record_without_a_published_date_gets_no_grace(project: Path) -> None:
    report = run(project, "vulns:\n  grace-days: {HIGH: 3650, CRITICAL: 3650, MEDIUM: 3650, LOW: 3650}\n", BUSYBOX)
    assert report.exit_code(Severity.WARNING) == 1


def test_de_duplication_across_two_reports_of_one_image(project: Path) -> None:
    report = run(project, "{}\n", ALPINE, ALPINE_SARIF)
    assert vulns(report) == ALL_ALPINE and len(report.findings) == 4
    for finding in report.findings:
        assert finding.extra["vulnerability"]["reports"] == [ALPINE, ALPINE_SARIF]  # type: ignore[index]
    assert rows(report)["reports"] == "2 read, 8 records, 4 vulnerabilities after de-duplication"


def test_top_upgrades_name_the_version_that_fixes_most(project: Path) -> None:
    report = run(project, "{}\n", ALPINE)
    assert rows(report)["top upgrades"].startswith("libcrypto1.1 1.1.1c-r0 -> 1.1.1d-r2 fixes 2, 2 of them MEDIUM")


def test_unknown_vulns_keys_are_config_errors(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"vulns\.fail_on"):
        run(project, "vulns:\n  fail_on: HIGH\n", ALPINE)
    with pytest.raises(ConfigError, match=r"vulns\.fail-on"):
        run(project, "vulns:\n  fail-on: urgent\n", ALPINE)


def test_the_readme_example_config_is_valid(project: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n# .containersec.yaml\n", 1)[1].split("```", 1)[0]
    (project / ".trivyignore").write_text("", encoding="utf-8")
    (project / "vex").mkdir()
    (project / "vex" / "app.openvex.json").write_text(_openvex("0.2", []), encoding="utf-8")
    (project / "Dockerfile").write_text("FROM alpine:3.10\n", encoding="utf-8")
    report = run(project, example, ALPINE)
    assert report.errors == []
    assert [f.message.split(" (")[0] for f in report.findings if f.rule == "CSV003"] == [
        "the exception for CVE-2023-4911 in libc6"]
    assert report.exit_code(Severity.WARNING) == 0  # fail-on: HIGH, and the report has MEDIUM only


def test_a_missing_vex_file_is_a_config_error_naming_it(project: Path) -> None:
    with pytest.raises(ConfigError, match=r"vex/app\.openvex\.json: no such file"):
        run(project, "vulns:\n  vex: [vex/app.openvex.json]\n", ALPINE)


def test_a_ghsa_and_its_cve_from_two_scanners_are_one_vulnerability(project: Path) -> None:
    grype = {"matches": [{"vulnerability": {"id": "GHSA-g2q5-5433-rhrf", "severity": "High",
                                            "fix": {"versions": ["2.3.5"], "state": "fixed"}},
                          "relatedVulnerabilities": [{"id": "CVE-2021-33503"}],
                          "artifact": {"name": "urllib3", "version": "1.26.3", "type": "python"}}],
             "source": {"type": "directory", "target": "."}, "descriptor": {"name": "grype", "version": "0.94.0"}}
    (project / "grype.json").write_text(json.dumps(grype), encoding="utf-8")
    report = run(project, "{}\n", str(REPORTS / "trivy-fs-vulns-misconfig-secrets.json"), "grype.json")
    merged = [f.extra["vulnerability"] for f in report.findings if "CVE-2021-33503" in f.message]
    assert len(merged) == 1
    assert merged[0]["aliases"] == ["GHSA-g2q5-5433-rhrf"]  # type: ignore[index]
    assert len(merged[0]["reports"]) == 2  # type: ignore[index]
    assert len([f for f in report.findings if f.rule == "CSV001"]) == 2  # CVE-2021-28363 stays apart
    assert len([f for f in report.findings if f.rule == "CSV005"]) == 2  # the report's two secrets


def test_grype_config_folder_is_found_and_named_files_replace_the_found_ones(project: Path) -> None:
    (project / ".grype").mkdir()
    (project / ".grype" / "config.yaml").write_text("ignore:\n  - vulnerability: CVE-2019-1549\n", encoding="utf-8")
    (project / "team.trivyignore").write_text("CVE-2019-1551\n", encoding="utf-8")
    assert vulns(run(project, "{}\n", ALPINE)) == ALL_ALPINE - {("CVE-2019-1549", "libssl1.1"),
                                                                  ("CVE-2019-1549", "libcrypto1.1")}
    named = run(project, "vulns:\n  ignore-files: [team.trivyignore]\n", ALPINE)
    assert vulns(named) == ALL_ALPINE - {("CVE-2019-1551", "libssl1.1"), ("CVE-2019-1551", "libcrypto1.1")}
