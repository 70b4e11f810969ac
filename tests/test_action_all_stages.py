"""One Action run over every stage: the Dockerfile, a scanner's report, the built image and the registry in one
check run, one job summary and one SARIF file, as a team sees it on a pull request."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from github_emulator import GitHubEmulator
from oci_images import Entry, ImageConfig, Layer, build_layout, export_docker_archive
from registry_server import api_image, registry_fixture  # noqa: F401
from test_action_e2e import SHARED, commands, make_workspace

REPORT = SHARED / "fixtures" / "scan-reports" / "trivy-alpine-3.10.json"


@pytest.fixture
def github():
    with GitHubEmulator() as server:
        yield server


def test_every_stage_joins_one_check_run_summary_and_sarif(tmp_path, github, registry):
    workspace = make_workspace(tmp_path, github, {}, {"Dockerfile": "FROM alpine:latest\nUSER 10001\n"})
    workspace.register()
    shutil.copy(REPORT, workspace.root / "trivy.json")
    layout = build_layout(tmp_path / "layout", [Layer([Entry("usr/bin/tool", b"\x7fELF", mode=0o4755)])],
                          ImageConfig(user="10001"))
    export_docker_archive(layout, "v1", workspace.root / "image.tar", "test/app:v1")
    api_image(registry, "team/app", "latest", {"created": "2026-11-20T00:00:00Z"})
    reference = f"{registry.host}/team/app"

    result = workspace.run(tmp_path, paths=".", scan_reports="trivy.json", images="image.tar", registry_refs=reference,
                           filter_mode="added", fail_on="warning")

    assert result.returncode == 1, result.stdout + result.stderr
    jsonschema.validate(result.sarif, json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text()))
    runs = {run["automationDetails"]["id"]: {r["ruleId"] for r in run["results"]} for run in result.sarif["runs"]}
    assert set(runs) == {"containersec/build", "containersec/test", "containersec/release"}
    assert "CSD002" in runs["containersec/build"]  # FROM alpine:latest
    assert {"CSV001", "CSI020"} <= runs["containersec/test"]  # a vulnerable package; a setuid file
    assert "CSR001" in runs["containersec/release"]  # the mutable latest tag
    [check_run] = github.check_runs.values()
    paths = {a["path"] for a in github.annotations[check_run["id"]]}
    assert {"Dockerfile", "trivy.json", "image.tar"} <= paths
    # registry findings have no file GitHub can place: workflow-command annotations without one
    assert reference not in paths
    registry = [props for _, props, message in commands(result.stdout) if message.startswith(f"{reference}:latest@")]
    assert registry and all("file" not in props for props in registry)
    for stage in ("build", "test", "release"):
        assert f"| {stage} |" in result.summary
