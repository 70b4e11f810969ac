"""Manifest input: files, directories, Lists, standard input, Kustomize, and bad input that never stops the
others from being checked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from containersec.infra import check_manifests
from tests.k8s_helpers import config

PRIVILEGED = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
    - name: app
      image: registry.example.com/app:1
      securityContext:
        privileged: true
"""


def run(*args: str, cwd: Path, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run([sys.executable, "-m", "containersec", "k8s", *args], cwd=cwd, input=data,
                            capture_output=True, timeout=120, check=False)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8", "replace"),
                                       result.stderr.decode("utf-8", "replace"))


def privileged_pods(report_findings: list) -> list[str]:
    return sorted(f.extra["object"]["name"] for f in report_findings if f.rule == "CSK001")


def test_multi_document_files_and_list_kinds(tmp_path: Path) -> None:
    listed = ("apiVersion: v1\nkind: List\nitems:\n" + "".join(
        "  - " + PRIVILEGED.format(name=name).replace("\n", "\n    ").rstrip() + "\n" for name in ("b", "c")))
    (tmp_path / "pods.yaml").write_text(PRIVILEGED.format(name="a") + "---\n" + listed)
    report = check_manifests([str(tmp_path)], config(("CSK001",)))
    assert report.errors == [] and report.files == 1
    assert privileged_pods(report.findings) == ["a", "b", "c"]
    text = (tmp_path / "pods.yaml").read_text().split("\n")
    assert all(text[f.line - 1].strip() == "privileged: true" for f in report.findings)


def test_a_list_item_that_is_not_an_object_is_an_error_and_the_others_are_checked(tmp_path: Path) -> None:
    listed = ("apiVersion: v1\nkind: List\nitems:\n  - just text\n  - " +
              PRIVILEGED.format(name="b").replace("\n", "\n    ").rstrip() + "\n  - metadata: {name: c}\n")
    (tmp_path / "pods.yaml").write_text(listed)
    report = check_manifests([str(tmp_path)], config(("CSK001",)))
    assert privileged_pods(report.findings) == ["b"]
    assert [e.message for e in report.errors] == [
        "line 4: item 1 of List is not a Kubernetes object: it is a single value, not a mapping",
        "line 15: item 3 of List is not a Kubernetes object: it has no apiVersion and kind"]


def test_directories_skip_other_yaml_with_a_count(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pod.yml").write_text(PRIVILEGED.format(name="a"))
    (tmp_path / "app" / "values.yaml").write_text("replicas: 3\nimage: nginx\n")
    (tmp_path / "app" / "pod.json").write_text(json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
        "spec": {"containers": [{"name": "c", "image": "x:1", "securityContext": {"privileged": True}}]}}, indent=1))
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "pod.yaml").write_text(PRIVILEGED.format(name="hidden"))
    report = check_manifests([str(tmp_path)], config(("CSK001",)))
    assert privileged_pods(report.findings) == ["a", "j"]
    assert any("skipped 1 YAML/JSON file" in note for note in report.notices)
    json_finding = next(f for f in report.findings if f.path.endswith(".json"))
    assert json_finding.line == 13  # "privileged": true in the indented JSON


def test_helm_templates_are_left_to_helm(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 1.0.0\n")
    (chart / "templates" / "pod.yaml").write_text("{{- if .Values.on }}\nkind: Pod\n{{- end }}\n")
    report = check_manifests([str(tmp_path)], config())
    assert report.errors == []
    assert any("helm template" in note for note in report.notices)


BAD_INPUTS = {
    "invalid.yaml": (b"apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n", "invalid YAML"),
    "duplicate.yaml": (PRIVILEGED.format(name="d").replace("  name: d\n", "  name: d\n  name: e\n").encode(),
                       "duplicate key 'name' (first on line 4)"),
    "latin1.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n".encode("latin-1"),
                    "not valid UTF-8 at byte"),
    "scalar.yaml": (b"just a string\n", "is not a Kubernetes object: it is a single value, not a mapping"),
    "nokind.yaml": (b"metadata:\n  name: x\n", "it has no apiVersion and kind"),
}


def test_each_bad_file_is_an_error_and_the_others_are_still_checked(tmp_path: Path) -> None:
    paths = []
    for name, (data, _) in BAD_INPUTS.items():
        (tmp_path / name).write_bytes(data)
        paths.append(name)
    (tmp_path / "good.yaml").write_text(PRIVILEGED.format(name="good"))
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # 50 MB, sparse: the size alone decides
        handle.truncate(50 * 1024 * 1024)
    result = run("--format", "json", *paths, "good.yaml", "big.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    errors = {e["path"]: e["message"] for e in document["errors"]}
    for name, (_, expected) in BAD_INPUTS.items():
        assert expected in errors[name], (name, errors)
    assert "above the 16 MB limit" in errors["big.yaml"]
    assert [f["object"]["name"] for f in document["findings"] if f["rule"] == "CSK001"] == ["good"]
    text = run(*paths, "good.yaml", cwd=tmp_path)
    assert f"note: {len(paths)} input(s) could not be read: the rules across objects" in text.stdout
    assert errors["duplicate.yaml"].startswith("line 5:")
    assert "big.yaml: is 50.0 MB" in result.stderr


def test_an_alias_bomb_ends_in_an_error_in_bounded_time(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 12):
        previous, name = chr(96 + index), chr(97 + index)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    (tmp_path / "good.yaml").write_text(PRIVILEGED.format(name="good"))
    started = time.monotonic()
    report = check_manifests([str(tmp_path / "bomb.yaml"), str(tmp_path / "good.yaml")], config(("CSK001",)))
    assert time.monotonic() - started < 20
    assert "alias bomb" in report.errors[0].message
    assert privileged_pods(report.findings) == ["good"]


def test_standard_input_and_its_name(tmp_path: Path) -> None:
    result = run("--stdin-filename", "rendered.yaml", "--select", "CSK001", "-", cwd=tmp_path,
                 stdin=PRIVILEGED.format(name="piped"))
    assert result.returncode == 1, result.stderr
    assert "rendered.yaml:10:9 CSK001" in result.stdout


@pytest.mark.parametrize("stdin", ["", "# helm rendered nothing\n", "---\n"])
def test_a_render_with_no_object_is_an_error_not_a_clean_run(tmp_path: Path, stdin: str) -> None:
    result = run("-", cwd=tmp_path, stdin=stdin)
    assert result.returncode == 2
    assert "holds no Kubernetes object" in result.stdout + result.stderr


def test_missing_path_and_explicit_kustomization_without_flag(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
    result = run("missing.yaml", "kustomization.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.yaml: error: no such file or directory" in result.stdout
    assert "render it with --kustomize" in result.stdout


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is installed by scripts/test.sh (Debian kubernetes-client)")
def test_kustomize_renders_and_reports_in_the_written_file(tmp_path: Path) -> None:
    base = tmp_path / "app"
    base.mkdir()
    (base / "pod.yaml").write_text(PRIVILEGED.format(name="web"))
    (base / "kustomization.yaml").write_text("resources:\n  - pod.yaml\nnamePrefix: prod-\nnamespace: shop\n")
    result = run("--format", "json", "--kustomize", "--select", "CSK001", "app", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["object"] == {"kind": "Pod", "namespace": "shop", "name": "prod-web", "container": "app"}
    assert (finding["path"], finding["line"]) == (os.path.join("app", "pod.yaml"), 10)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is installed by scripts/test.sh (Debian kubernetes-client)")
def test_a_failing_kustomize_render_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    result = run("--kustomize", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "kubectl kustomize failed" in result.stdout


def test_list_images_prints_each_deployed_image_once(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(PRIVILEGED.format(name="a") + "---\n" + PRIVILEGED.format(name="b").replace(
        "registry.example.com/app:1", "registry.example.com/other@sha256:" + "b" * 64))
    (tmp_path / "b.yaml").write_text(PRIVILEGED.format(name="c"))
    result = run("--list-images", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["registry.example.com/app:1",
                                          "registry.example.com/other@sha256:" + "b" * 64]
    (tmp_path / "bad.yaml").write_text("kind: [\n")
    partial = run("--list-images", ".", cwd=tmp_path)
    assert partial.returncode == 2 and "bad.yaml" in partial.stderr
    assert partial.stdout.splitlines()[0] == "registry.example.com/app:1"


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is installed by scripts/test.sh (Debian kubernetes-client)")
def test_an_overlay_reports_in_its_base(tmp_path: Path) -> None:
    base, overlay = tmp_path / "base", tmp_path / "overlays" / "prod"
    base.mkdir()
    overlay.mkdir(parents=True)
    (base / "pod.yaml").write_text(PRIVILEGED.format(name="web"))
    (base / "kustomization.yaml").write_text("resources:\n  - pod.yaml\n")
    (overlay / "kustomization.yaml").write_text("resources:\n  - ../../base\nnameSuffix: -prod\n")
    result = run("--format", "json", "--kustomize", "--select", "CSK001", "overlays/prod", cwd=tmp_path)
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["path"], finding["line"]) == (os.path.join("base", "pod.yaml"), 10)
    assert finding["object"]["name"] == "web-prod"


def test_a_fifo_is_an_error_not_a_hang_and_a_folder_without_manifests_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "deploy").mkdir()
    os.mkfifo(tmp_path / "deploy" / "pipe.yaml")
    (tmp_path / "deploy" / "pod.yaml").write_text(PRIVILEGED.format(name="a"))
    report = check_manifests([str(tmp_path / "deploy")], config(("CSK001",)))
    assert [e.message for e in report.errors] == ["not a regular file (a FIFO, socket or device)"]
    assert privileged_pods(report.findings) == ["a"]
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "values.yaml").write_text("replicas: 2\n")
    quiet = run("empty", cwd=tmp_path)
    assert quiet.returncode == 0 and "skipped 1 YAML/JSON file" in quiet.stdout + quiet.stderr


def test_helm_output_names_the_template_each_finding_was_rendered_from(tmp_path: Path) -> None:
    rendered = ("---\n# Source: shop/templates/web.yaml\n" + PRIVILEGED.format(name="web")
                + "---\n# Source: shop/templates/worker.yaml\n" + PRIVILEGED.format(name="worker"))
    result = run("--select", "CSK001", "--stdin-filename", "chart.yaml", "-", cwd=tmp_path, stdin=rendered)
    assert result.returncode == 1
    assert "chart.yaml:12:9 CSK001" in result.stdout and "(rendered from shop/templates/web.yaml)" in result.stdout
    assert "chart.yaml:24:9 CSK001" in result.stdout
    assert "(rendered from shop/templates/worker.yaml)" in result.stdout


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is installed by scripts/test.sh (Debian kubernetes-client)")
def test_an_overlay_patch_reports_what_it_sets_and_the_base_the_rest(tmp_path: Path) -> None:
    base, overlay = tmp_path / "base", tmp_path / "overlays" / "prod"
    base.mkdir()
    overlay.mkdir(parents=True)
    # Two containers in the base; the patch names only the second, so the indices differ.
    (base / "pod.yaml").write_text(PRIVILEGED.format(name="web").replace(
        "  containers:\n", "  containers:\n    - name: proxy\n      image: registry.example.com/proxy:1\n"))
    (base / "kustomization.yaml").write_text("resources:\n  - pod.yaml\n")
    (overlay / "patch.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
                                        "    - name: app\n      securityContext:\n"
                                        "        allowPrivilegeEscalation: true\n")
    (overlay / "kustomization.yaml").write_text("resources:\n  - ../../base\npatches:\n  - path: patch.yaml\n")
    result = run("--format", "json", "--kustomize", "--select", "CSK001,CSK002", "overlays/prod", cwd=tmp_path)
    places = sorted((f["rule"], f["object"]["container"], f["path"], f["line"], f["column"])
                    for f in json.loads(result.stdout)["findings"])
    assert places == [
        ("CSK001", "app", os.path.join("base", "pod.yaml"), 12, 9),  # privileged: is written in the base
        ("CSK002", "app", os.path.join("overlays", "prod", "patch.yaml"), 9, 9),  # the patch sets it
        ("CSK002", "proxy", os.path.join("base", "pod.yaml"), 7, 7),  # unset: the container, where it is written
    ]
