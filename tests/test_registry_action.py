"""The Action with registry-refs, end to end: `python -m containersec action` as a real process, auditing the
real registry with basic auth over TLS, publishing through the GitHub REST emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from github_emulator import GitHubEmulator
from registry_server import PASSWORD, USERNAME, api_image, registry_fixture, secure_registry_fixture  # noqa: F401
from test_action_e2e import commands, parse_outputs


@pytest.fixture
def emulator():
    with GitHubEmulator() as server:
        yield server


def run_action(tmp_path: Path, workspace: Path, emulator: GitHubEmulator, **inputs: str):
    outputs, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    outputs.write_text("")
    summary.write_text("")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GITHUB_", "INPUT_", "RUNNER_", "CONTAINERSEC_"))}
    env |= {"GITHUB_EVENT_NAME": "schedule", "GITHUB_REPOSITORY": emulator.full_name, "GITHUB_SHA": "a" * 40,
            "GITHUB_API_URL": emulator.api_url, "GITHUB_SERVER_URL": emulator.root,
            "GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_RUN_ID": "1", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_JOB": "audit", "GITHUB_ACTION": "__run",
            "CONTAINERSEC_GITHUB_WRITE_DELAY": "0", "INPUT_GITHUB-TOKEN": emulator.token}
    env |= {f"INPUT_{name.replace('_', '-').upper()}": value for name, value in inputs.items()}
    done = subprocess.run([sys.executable, "-m", "containersec", "action"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    sarif = workspace / (inputs.get("sarif_file") or "containersec.sarif")
    return done, parse_outputs(outputs.read_text()), summary.read_text(), sarif.read_text()


def test_scheduled_audit_with_credentials_reports_release_findings(tmp_path, secure_registry, emulator):
    digest = api_image(secure_registry, "action/app", "latest", {"created": "2026-11-20T00:00:00Z"})
    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "ca.pem").write_bytes(Path(secure_registry.ca_bundle).read_bytes())
    (workspace / ".containersec.yaml").write_text("registry:\n  ca-bundle: ca.pem\n")
    reference = f"{secure_registry.host}/action/app"
    done, outputs, summary, sarif_text = run_action(
        tmp_path, workspace, emulator, registry_refs=reference, registry_username=USERNAME,
        registry_password=PASSWORD, reporter="github-check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == f"::add-mask::{PASSWORD}"  # masked before anything else is printed
    everything = done.stdout.split("\n", 1)[1] + done.stderr + summary + sarif_text + json.dumps(emulator.annotations)
    assert PASSWORD not in everything
    [run] = emulator.check_runs.values()
    assert run["conclusion"] == "failure"
    # Check-run annotations need a file GitHub can place; a registry finding has none, so it is a workflow
    # command without `file`, naming the image in its message.
    assert not any(a["path"] == reference for a in emulator.annotations.get(run["id"], []))
    logged = commands(done.stdout.split("\n", 1)[1])
    unplaced = [(props, message) for level, props, message in logged if level in ("error", "warning")]
    assert unplaced and all("file" not in props and "line" not in props for props, _ in unplaced)
    assert all(message.startswith(f"{reference}:latest@{digest}") for _, message in unplaced)
    sarif = json.loads(sarif_text)
    [release] = [r for r in sarif["runs"] if r["automationDetails"]["id"] == "containersec/release"]
    assert {result["ruleId"] for result in release["results"]} >= {"CSR001", "CSR020"}
    assert "release" in summary and outputs["conclusion"] == "failure"
    assert digest in sarif_text


def test_without_credentials_the_audit_is_an_input_error(tmp_path, secure_registry, emulator):
    api_image(secure_registry, "action/locked", "1.0.0", {"created": "2026-11-20T00:00:00Z"})
    workspace = tmp_path / "repo"
    workspace.mkdir()
    (workspace / "ca.pem").write_bytes(Path(secure_registry.ca_bundle).read_bytes())
    (workspace / ".containersec.yaml").write_text("registry:\n  ca-bundle: ca.pem\n  retries: 0\n")
    done, outputs, _, _ = run_action(tmp_path, workspace, emulator, reporter="workflow-commands",
                                     registry_refs=f"{secure_registry.host}/action/locked")
    assert done.returncode == 2
    errors = [message for level, _, message in commands(done.stdout) if level == "error"]
    assert any("no credential is configured" in message for message in errors), done.stdout
    assert outputs["conclusion"] == "failure"
