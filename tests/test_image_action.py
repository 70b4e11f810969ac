"""The action with `images`: image findings in the same check run, summary and SARIF (run containersec/test)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from github_emulator import GitHubEmulator
from oci_images import Entry, ImageConfig, Layer, build_layout, export_docker_archive, export_oci_layout
from test_action_e2e import SHARED, commands, make_workspace

HOSTILE_NAME = "%0A::add-mask::x <script>alert(1)</script> |"


@pytest.fixture
def github():
    with GitHubEmulator() as server:
        yield server


def image(workspace: Path, name: str, layers: list[Layer], config: ImageConfig, *, oci: bool = False) -> str:
    layout = build_layout(workspace.parent / f"{name}-build", layers, config)
    if oci:
        export_oci_layout(layout, "v1", workspace / name)
    else:
        export_docker_archive(layout, "v1", workspace / name, f"test/{name}:v1")
    return name


def test_image_findings_join_the_check_run_summary_and_sarif(tmp_path, github):
    workspace = make_workspace(tmp_path, github, {}, {"Dockerfile": "FROM alpine:3.20\nUSER 10001\n"})
    workspace.register()
    archive = image(workspace.root, "app.tar", [Layer([Entry("usr/bin/tool", b"\x7fELF", mode=0o4755)])],
                    ImageConfig(user="10001"))
    layout = image(workspace.root, "web-oci", [Layer([Entry("srv/.env", "A=1\n")])], ImageConfig(user="0"), oci=True)
    result = workspace.run(tmp_path, images=f"{archive}\n{layout}:v1", fail_on="warning")
    assert result.returncode == 1, result.stdout + result.stderr
    runs = {run["automationDetails"]["id"]: run for run in result.sarif["runs"]}
    jsonschema.validate(result.sarif, json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text()))
    test_rules = {r["ruleId"] for r in runs["containersec/test"]["results"]}
    assert {"CSI020", "CSI001", "CSI025"} <= test_rules
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in runs["containersec/test"]["results"]}
    assert uris == {"app.tar", "web-oci"}
    annotations = [a for requests in github.annotations.values() for a in requests]
    assert {"app.tar", "web-oci"} <= {a["path"] for a in annotations}  # in scope whatever the filter mode
    assert "#### test stage: image app\\.tar" in result.summary and "image web\\-oci\\:v1" in result.summary


def test_an_unreadable_image_exits_2_and_the_rest_is_reported(tmp_path, github):
    workspace = make_workspace(tmp_path, github, {}, {"Dockerfile": "FROM alpine:3.20\nUSER 10001\n"})
    workspace.register()
    (workspace.root / "broken.tar").write_bytes(b"\0" * 100)
    archive = image(workspace.root, "app.tar", [Layer([Entry("a", "1", mode=0o666)])], ImageConfig(user="1"))
    result = workspace.run(tmp_path, images=f"broken.tar {archive}", reporter="workflow-commands")
    assert result.returncode == 2
    found = commands(result.stdout)
    assert any(props.get("file") == "broken.tar" for _, props, _ in found)
    assert any("CSI021" in props.get("title", "") for _, props, _ in found)


def test_untrusted_image_text_is_escaped(tmp_path, github):
    workspace = make_workspace(tmp_path, github, {}, {"Dockerfile": "FROM alpine:3.20\nUSER 10001\n"})
    workspace.register()
    archive = image(workspace.root, "app.tar", [Layer([Entry(f"srv/{HOSTILE_NAME}/.git")],
                                                      created_by="RUN /bin/sh -c sudo x '::stop-commands::y'")],
                    ImageConfig(user="1", env={"NOTE": "<img src=x onerror=alert(1)>"}))
    result = workspace.run(tmp_path, images=archive, reporter="workflow-commands")
    assert result.returncode == 1
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.startswith(("::add-mask::", "::stop-commands::")), line
    assert "<script>" not in result.summary and "&lt;script&gt;" in result.summary
    table = [line for line in result.summary.splitlines() if line.startswith(("| error", "| warning", "| info"))]
    assert table and all(line.count(" | ") == 3 for line in table)
