"""Suppressed findings stay suppressed in every format: shown when asked for, never raised as open problems."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from jsonschema import Draft7Validator

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
ALPINE = str(SHARED / "fixtures" / "scan-reports" / "trivy-alpine-3.10.json")  # four MEDIUM vulnerabilities
# Two of the four are accepted by an ignore file; the other two stay open.
IGNORED = "CVE-2019-1549\n"


def vulns(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", "vulns", ALPINE, *args], cwd=project,
                          capture_output=True, text=True, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".trivyignore").write_text(IGNORED, encoding="utf-8")
    return tmp_path


def test_sarif_results_of_suppressed_findings_carry_suppressions(project: Path) -> None:
    done = vulns(project, "--show-suppressed", "-f", "sarif")
    document = json.loads(done.stdout)
    Draft7Validator(SCHEMA).validate(document)
    results = document["runs"][0]["results"]
    suppressed = [r for r in results if "CVE-2019-1549" in r["message"]["text"]]
    assert len(suppressed) == 2 and len(results) == 4
    for result in suppressed:
        (suppression,) = result["suppressions"]
        assert suppression["kind"] == "external" and suppression["state"] == "accepted"
        assert "ignore files" in suppression["justification"] and ".trivyignore" in suppression["justification"]
    assert all("suppressions" not in r for r in results if r not in suppressed)


def test_github_format_raises_only_the_open_findings(project: Path) -> None:
    lines = vulns(project, "--show-suppressed", "-f", "github", "--fail-on", "none").stdout.splitlines()
    raised = [line for line in lines if line.startswith(("::error", "::warning"))]
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(raised) == 2 and not any("CVE-2019-1549" in line for line in raised)
    assert len(notices) == 2 and all("CVE-2019-1549" in n and "(suppressed)" in n for n in notices)


def test_totals_count_suppressed_findings_apart_and_they_never_fail(project: Path) -> None:
    document = json.loads(vulns(project, "--show-suppressed", "-f", "json").stdout)
    assert len(document["findings"]) == 4
    assert document["summary"]["findings"] == 2 and document["summary"]["suppressed"] == 2
    assert document["summary"]["by_severity"] == {"warning": 2}
    assert sum(1 for f in document["findings"] if f.get("suppression", {}).get("kind") == "external") == 2
    text = vulns(project, "--show-suppressed")
    assert "2 findings (2 warnings) in 1 file, 2 suppressed" in text.stdout
    (project / ".trivyignore").write_text(IGNORED + "CVE-2019-1551\n", encoding="utf-8")
    everything_accepted = vulns(project, "--show-suppressed", "-f", "junit")
    assert everything_accepted.returncode == 0
    root = ElementTree.fromstring(everything_accepted.stdout)
    assert root.get("failures") == "0" and root.get("skipped") == "4"


def test_an_expired_exception_gives_back_the_vulnerabilitys_own_verdict(tmp_path: Path) -> None:
    below_fail_on = "vulns:\n  fail-on: HIGH\n"  # the report's vulnerabilities are MEDIUM
    expired = ("  exceptions:\n    - id: CVE-2019-1549\n      reason: no TLS in this image\n"
               "      expires: 2020-01-01\n")
    (tmp_path / ".containersec.yaml").write_text(below_fail_on, encoding="utf-8")
    assert vulns(tmp_path).returncode == 0
    (tmp_path / ".containersec.yaml").write_text(below_fail_on + expired, encoding="utf-8")
    said = vulns(tmp_path).stdout
    assert "vulnerabilities fail at HIGH and above (the scanner's severity), from .containersec.yaml" in said
    done = vulns(tmp_path, "-f", "json")
    assert done.returncode == 0, done.stdout
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]].count("CSV002") == 1  # still reported
    failing = "vulns:\n  fail-on: HIGH\n  fail-on-expired: true\n" + expired
    (tmp_path / ".containersec.yaml").write_text(failing, encoding="utf-8")
    assert vulns(tmp_path).returncode == 1
    (tmp_path / ".containersec.yaml").write_text("vulns:\n  fail-on: MEDIUM\n" + expired, encoding="utf-8")
    assert vulns(tmp_path).returncode == 1  # the vulnerability's own verdict: MEDIUM reaches MEDIUM


def test_lint_shows_inline_ignores_as_in_source_suppressions_when_asked(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("# hadolint ignore=DL3007\nFROM ubuntu:latest\nUSER 1000\n",
                                         encoding="utf-8")

    def lint(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "containersec", "lint", "--shellcheck", "off",
                               "--select", "DL3007", *args], cwd=tmp_path, capture_output=True, text=True,
                              check=False)

    assert json.loads(lint("-f", "json").stdout)["findings"] == []
    shown = lint("-f", "sarif", "--show-suppressed")
    assert shown.returncode == 0
    document = json.loads(shown.stdout)
    Draft7Validator(SCHEMA).validate(document)
    (result,) = document["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "state": "accepted",
                                       "justification": "ignored by the comment on line 1: # hadolint ignore=DL3007"}]
    assert "1 suppressed" in lint("--show-suppressed").stdout


def test_image_exceptions_are_external_suppressions_when_asked(tmp_path: Path) -> None:
    from oci_images import Entry, ImageConfig, Layer, build_layout

    layout = build_layout(tmp_path / "layout", [Layer([Entry("data", "x", mode=0o666)])], ImageConfig(user="1000"))
    (tmp_path / ".containersec.yaml").write_text(
        "image:\n  exceptions:\n    - {rule: CSI021, path: /data, reason: scratch space}\n", encoding="utf-8")

    def image(*args: str) -> dict[str, object]:
        done = subprocess.run([sys.executable, "-m", "containersec", "image", str(layout), "--select", "CSI021",
                               "-f", "json", *args], cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout)

    assert image()["findings"] == []
    (finding,) = image("--show-suppressed")["findings"]  # type: ignore[misc]
    assert finding["suppression"] == {"kind": "external", "justification": "scratch space (image.exceptions[0])"}


def test_report_merge_keeps_suppressed_findings_suppressed(project: Path) -> None:
    written = vulns(project, "--show-suppressed", "-f", "json", "-o", "vulns.json")
    assert written.returncode == 1  # the two open MEDIUM findings
    merged = subprocess.run([sys.executable, "-m", "containersec", "report", "merge", "vulns.json", "-f", "json"],
                            cwd=project, capture_output=True, text=True, check=False)
    document = json.loads(merged.stdout)
    assert document["summary"]["findings"] == 2 and document["summary"]["suppressed"] == 2
    assert sum(1 for f in document["findings"] if f.get("suppression", {}).get("kind") == "external") == 2
