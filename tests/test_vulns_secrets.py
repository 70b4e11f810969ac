"""`containersec vulns` on a Trivy report with secrets and a misconfiguration besides its vulnerabilities."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft7Validator

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = SHARED / "fixtures" / "scan-reports"
MIXED = REPORTS / "trivy-fs-vulns-misconfig-secrets.json"
EXPECTED = json.loads((REPORTS / "expected.json").read_text(encoding="utf-8"))["files"]
SCHEMA = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def vulns(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", "vulns", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_secrets_become_findings_with_their_kind_and_place(tmp_path: Path) -> None:
    done = vulns(str(MIXED), "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    secrets = sorted((f["path"], f["line"], f["secret_kind"], f["severity"]) for f in document["findings"]
                     if f["rule"] == "CSV005")
    assert secrets == [("Dockerfile", 24, "github-pat", "error"), ("secret.txt", 1, "github-pat", "error")]
    assert len([f for f in document["findings"] if f["rule"] == "CSV001"]) == 2


def test_a_critical_secret_fails_the_gate_on_its_own(tmp_path: Path) -> None:
    # With fail-on CRITICAL the report's HIGH and MEDIUM vulnerabilities pass; its CRITICAL secrets do not.
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  fail-on: CRITICAL\n", encoding="utf-8")
    assert vulns(str(MIXED), cwd=tmp_path).returncode == 1
    without_secrets = json.loads(MIXED.read_text(encoding="utf-8"))
    without_secrets["Results"] = [r for r in without_secrets["Results"] if r.get("Class") != "secret"]
    (tmp_path / "no-secrets.json").write_text(json.dumps(without_secrets), encoding="utf-8")
    assert vulns("no-secrets.json", cwd=tmp_path).returncode == 0


def test_misconfigurations_and_secrets_are_counted_as_expected_json_counts_them(tmp_path: Path) -> None:
    trivy = sorted(name for name, expected in EXPECTED.items() if expected["format"] == "trivy-json")
    done = vulns(*(str(REPORTS / name) for name in trivy), "--format", "json", "--fail-on", "none", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    got = {Path(entry["path"]).name: entry for entry in json.loads(done.stdout)["reports"]}
    for name in trivy:
        expected = EXPECTED[name]
        misconfigurations = expected.get("misconfigurations", {"total": 0})
        secrets = expected.get("secrets", {"total": 0})
        assert got[name]["misconfigurations"]["total"] == misconfigurations["total"], name
        assert got[name]["secrets"]["total"] == secrets["total"], name
        if misconfigurations["total"]:
            assert got[name]["misconfigurations"]["by_severity"] == misconfigurations["severity_counts"]
            assert got[name]["misconfigurations"]["by_status"] == misconfigurations["status_counts"]
        if secrets["total"]:
            assert got[name]["secrets"]["by_severity"] == secrets["severity_counts"]


def test_the_summary_names_what_is_not_evaluated(tmp_path: Path) -> None:
    done = vulns(str(MIXED), cwd=tmp_path)
    assert "secrets: 2 found by the scanners (CRITICAL 2): reported as CSV005 findings" in done.stdout
    assert "misconfigurations: 1 listed by the scanners, 1 failed (HIGH 1): DS002; not evaluated here" in done.stdout


def test_sarif_carries_the_secret_kind_and_validates(tmp_path: Path) -> None:
    done = vulns(str(MIXED), "--format", "sarif", cwd=tmp_path)
    document = json.loads(done.stdout)
    assert list(Draft7Validator(SCHEMA).iter_errors(document)) == []
    kinds = [result["properties"]["secret-kind"] for run in document["runs"] for result in run["results"]
             if result["ruleId"] == "CSV005"]
    assert kinds == ["github-pat", "github-pat"]
