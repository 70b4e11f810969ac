"""`containersec vulns` as a user runs it: exit codes 0/1/2, broken inputs, every format, valid SARIF."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = SHARED / "fixtures" / "scan-reports"
ALPINE = str(REPORTS / "trivy-alpine-3.10.json")
NGINX_GRYPE_SARIF = str(REPORTS / "grype-nginx-grype-0.63.0.sarif")
SCHEMA = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", "vulns", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def test_exit_codes_0_1_2(tmp_path: Path) -> None:
    assert cli(ALPINE, cwd=tmp_path).returncode == 1  # MEDIUM: warning, the default threshold
    assert cli(ALPINE, "--fail-on", "error", cwd=tmp_path).returncode == 0
    (tmp_path / "empty.json").write_bytes(b"")
    broken = cli(ALPINE, "empty.json", "--fail-on", "error", cwd=tmp_path)
    assert broken.returncode == 2 and "empty.json: error: empty file" in broken.stdout


def test_config_errors_exit_2_naming_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  exceptions:\n    - {id: CVE-1, expires: 2030-01-01}\n",
                                                 encoding="utf-8")
    done = cli(ALPINE, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ".containersec.yaml: vulns.exceptions[0].reason: required" in done.stderr


BROKEN = {
    "truncated.json": (Path(ALPINE).read_bytes()[:3000], "truncated JSON"),
    "not-a-report.json": (b'{"name": "a package.json", "version": "1.0.0"}', "not a Trivy JSON, Grype JSON or SARIF"),
    "empty.json": (b"", "empty file"),
    "blank.json": (b"\n  \r\n", "empty file"),
    "array.json": (b"[1, 2, 3]", "not a JSON object"),
    "garbage.json": (b"\x89PNG\r\n\x1a\n\x00\x00", "not valid JSON"),
    "old-trivy.json": (b'{"SchemaVersion": 3, "Results": []}', "SchemaVersion 3 is not supported"),
    "other-sarif.sarif": (b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "CodeQL"}}}]}',
                          "only Trivy and Grype SARIF"),
    "utf16.json": ('{"SchemaVersion": 2}'.encode("utf-16"), "UTF-16 text: save the report as UTF-8"),
    "latin1.json": (b'{"SchemaVersion": 2, "ArtifactName": "caf\xe9"}', "not valid JSON (invalid bytes in UTF8"),
}


def test_broken_inputs_are_errors_naming_the_file_and_the_others_are_still_reported(tmp_path: Path) -> None:
    for name, (content, _) in BROKEN.items():
        (tmp_path / name).write_bytes(content)
    done = cli(ALPINE, *BROKEN, "--format", "json", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    document = json.loads(done.stdout)
    errors = {e["path"]: e["message"] for e in document["errors"]}
    for name, (_, message) in BROKEN.items():
        assert message in errors[name], (name, errors[name])
        assert f"containersec: {name}: " in done.stderr
    assert [r["path"] for r in document["reports"]] == [ALPINE]
    assert len(document["findings"]) == 4
    assert all("\\x" not in message and "right here" not in message for message in errors.values())


def test_a_utf8_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + Path(ALPINE).read_bytes())
    done = cli("bom.json", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1 and json.loads(done.stdout)["reports"][0]["records"] == 4


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "checkstyle", "junit", "gitlab"])
def test_every_format_renders_vulnerability_findings(tmp_path: Path, fmt: str) -> None:
    done = cli(ALPINE, "--format", fmt, "--fail-on", "none", cwd=tmp_path)
    assert done.returncode == 0 and "CVE-2019-1549" in done.stdout


def test_sarif_is_valid_with_a_test_run_sorted_by_security_severity(tmp_path: Path) -> None:
    done = cli(NGINX_GRYPE_SARIF, ALPINE, "--format", "sarif", "--output", "out.sarif", cwd=tmp_path)
    assert done.returncode == 1
    document = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    assert sorted(Draft7Validator(SCHEMA).iter_errors(document), key=str) == []
    [run] = document["runs"]
    assert run["automationDetails"]["id"] == "containersec/test"
    scores = [float(r["properties"]["security-severity"]) for r in run["results"]]
    assert len(scores) == 4 + 99 - 0 and all(0 <= s <= 10 for s in scores)
    [rule] = run["tool"]["driver"]["rules"]
    assert float(rule["properties"]["security-severity"]) == max(scores)
    # the CVSS score where the report gives one: Grype's nginx SARIF rates CVE-2005-2541 10.0
    tar = next(r for r in run["results"] if "CVE-2005-2541 (LOW) in tar" in r["message"]["text"])
    assert tar["properties"]["security-severity"] == "10.0"


def test_json_carries_the_inventory_and_the_vulnerability_object(tmp_path: Path) -> None:
    document = json.loads(cli(ALPINE, "--format", "json", cwd=tmp_path).stdout)
    assert document["reports"][0]["by_severity"]["MEDIUM"] == 4
    finding = document["findings"][0]
    assert set(finding["vulnerability"]) == {"id", "aliases", "severity", "package", "installed", "fixed", "purl",
                                             "targets", "reports"}
    assert finding["stage"] == "test" and finding["rule"] == "CSV001"


def test_untrusted_report_text_cannot_drive_the_terminal_or_workflow_commands(tmp_path: Path) -> None:
    hostile = {"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Target": "t", "Vulnerabilities": [
        {"VulnerabilityID": "CVE-1\x1b[31m", "PkgName": "p\n::set-output name=x::y", "InstalledVersion": "1",
         "Severity": "HIGH"}]}]}
    (tmp_path / "hostile.json").write_text(json.dumps(hostile), encoding="utf-8")
    text = cli("hostile.json", cwd=tmp_path).stdout
    assert "\x1b" not in text and "\n::set-output" not in text
    github = cli("hostile.json", "--format", "github", cwd=tmp_path).stdout
    assert "\n::set-output" not in github


def test_a_policy_verdict_survives_report_merge(tmp_path: Path) -> None:
    """vulns.fail-on: LOW makes a LOW vulnerability fail under --fail-on error; merging the run's JSON keeps
    that verdict, so the merged report exits as the run did."""
    (tmp_path / ".containersec.yaml").write_text(
        "vulns:\n  fail-on: LOW\n  exceptions:\n"
        "    - {id: CVE-2019-1559, expires: 2099-01-01, reason: leaves the LOW vulnerabilities alone}\n",
        encoding="utf-8")
    run = cli(str(REPORTS / "trivy-centos-7.json"), "--fail-on", "error", "-f", "json", "-o", "vulns.json",
              cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    written = json.loads((tmp_path / "vulns.json").read_text(encoding="utf-8"))
    assert {f["severity"] for f in written["findings"]} == {"info"}  # the open findings are the LOW ones
    merged = subprocess.run([sys.executable, "-m", "containersec", "report", "merge", "vulns.json", "--fail-on",
                             "error"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert merged.returncode == 1, merged.stdout + merged.stderr
