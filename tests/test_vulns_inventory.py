"""Every shared scanner report is read as the scanner listed it: expected.json, exactly, for each file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from containersec.config import Config
from containersec.test.vulns import check_reports
from containersec.vulnerabilities.read import ReportError, read_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = SHARED / "fixtures" / "scan-reports"
EXPECTED = json.loads((REPORTS / "expected.json").read_text(encoding="utf-8"))["files"]


def test_the_folder_holds_the_twelve_reports_expected_json_describes() -> None:
    on_disk = sorted(p.name for p in REPORTS.iterdir() if p.name not in ("expected.json", "SOURCES.md"))
    assert on_disk == sorted(EXPECTED) and len(on_disk) == 12


def test_every_report_reproduces_expected_json() -> None:
    report = check_reports([str(REPORTS / name) for name in sorted(EXPECTED)], Config())
    assert report.errors == []
    got = {Path(str(entry["path"])).name: entry for entry in report.extra["reports"]}  # type: ignore[index]
    mismatches = {}
    for name, expected in EXPECTED.items():
        entry = got[name]
        wanted = {"format": expected["format"], "tool": expected["tool"], "tool_version": expected["tool_version"],
                  "artifact": expected["artifact_name"], "records": expected["vulnerability_records"],
                  "by_severity": expected["severity_counts"], "fixable": expected["fixed_version_available"],
                  "vulnerabilities": expected["distinct_vulnerability_ids"],
                  "packages": expected["distinct_affected_packages"]}
        actual = {key: entry[key] for key in wanted}
        if actual != wanted:
            mismatches[name] = (actual, wanted)
    assert mismatches == {}


def _other_results(expected: dict) -> int:
    if expected["format"] == "sarif":
        return sum(expected["non_vulnerability_results"].values())
    if expected["format"] == "trivy-json":
        return expected["misconfigurations"]["total"] + expected["secrets"]["total"]
    return 0


def test_misconfigurations_secrets_and_licenses_are_counted_apart_from_records() -> None:
    report = check_reports([str(REPORTS / name) for name in sorted(EXPECTED)], Config())
    got = {Path(str(entry["path"])).name: entry["other_results"] for entry in report.extra["reports"]}  # type: ignore[index]
    assert got == {name: _other_results(expected) for name, expected in EXPECTED.items()}
    assert got["trivy-fs-vulns-misconfig-secrets.json"] == 3


def test_layer_data_is_read_from_trivy_and_both_grype_shapes() -> None:
    trivy = read_report(str(REPORTS / "trivy-fluentd-gems-image.json"))
    assert trivy.image is not None and all(r.layer in trivy.image.diff_ids for r in trivy.records)
    legacy = read_report(str(REPORTS / "grype-defectdojo-django-1.13.1-grype-0.7.0.json"))
    assert legacy.image is not None and all(r.layer in legacy.image.diff_ids for r in legacy.records)
    sarif = read_report(str(REPORTS / "grype-nginx-grype-0.63.0.sarif"))
    assert all(r.layer and r.layer.startswith("sha256:") for r in sarif.records)


def test_an_unreadable_report_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read"):
        read_report(str(tmp_path / "missing.json"))
