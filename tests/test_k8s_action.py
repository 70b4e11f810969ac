"""The Action's `manifests` input: Kubernetes findings join the Dockerfile's in one check run, one job summary
and one SARIF file; with registry-refs, the deployed images are audited and annotated on the manifest line."""

from __future__ import annotations

import json

import jsonschema
import pytest
from github_emulator import GitHubEmulator
from registry_server import api_image, registry_fixture  # noqa: F401
from test_action_e2e import SHARED, make_workspace

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: {image}
          securityContext:
            privileged: true
"""


@pytest.fixture
def github():
    with GitHubEmulator() as server:
        yield server


def test_manifests_join_the_check_run_summary_and_sarif(tmp_path, github, registry):
    api_image(registry, "team/web", "latest", {"created": "2026-11-20T00:00:00Z"})
    image = f"{registry.host}/team/web:latest"
    workspace = make_workspace(tmp_path, github, {}, {"Dockerfile": "FROM alpine:latest\nUSER 10001\n",
                                                      "deploy/web.yaml": MANIFEST.format(image=image)},
                               select=("CSD002", "CSK001", "CSK040", "CSR001"))
    workspace.register()

    result = workspace.run(tmp_path, paths="Dockerfile", manifests="deploy/*.yaml", registry_refs=f"{registry.host}/",
                           filter_mode="added", fail_on="warning")

    assert result.returncode == 1, result.stdout + result.stderr
    jsonschema.validate(result.sarif, json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text()))
    runs = {run["automationDetails"]["id"]: run["results"] for run in result.sarif["runs"]}
    assert {r["ruleId"] for r in runs["containersec/infrastructure"]} == {"CSK001", "CSK040"}
    assert "CSD002" in {r["ruleId"] for r in runs["containersec/build"]}
    placed = [r for r in runs["containersec/release"]
              if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/web.yaml"]
    assert placed and placed[0]["ruleId"] == "CSR001"
    assert placed[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    [check_run] = github.check_runs.values()
    annotations = github.annotations[check_run["id"]]
    assert {(a["path"], a["start_line"]) for a in annotations} >= {("deploy/web.yaml", 11), ("deploy/web.yaml", 13),
                                                                    ("Dockerfile", 1)}
    for stage in ("build", "infrastructure", "release"):
        assert f"| {stage} |" in result.summary
    assert "network isolation per namespace" in result.summary
