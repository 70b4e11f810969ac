"""From Dockerfile to deployment: the images the manifests deploy, audited in the real registry with the
release stage's rules and reported on the manifest lines, and listed for retention."""

from __future__ import annotations

import json

from registry_server import api_image, registry_fixture  # noqa: F401  (fixture)

from containersec.cli import main

DEPLOYMENT = """apiVersion: apps/v1
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
        - name: cache
          image: docker.io/library/redis:7
"""


def test_deployed_images_are_audited_and_reported_on_the_manifest_line(tmp_path, registry, capsys,
                                                                       monkeypatch) -> None:
    api_image(registry, "team/web", "latest", {"created": "2026-11-20T00:00:00Z"})
    image = f"{registry.host}/team/web:latest"
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(image=image))
    (tmp_path / ".containersec.yaml").write_text("select: [CSK040, CSR001]\n")
    monkeypatch.chdir(tmp_path)
    # Only the registry that is named is audited (docker.io is not reachable from here).
    code = main(["k8s", "--format", "json", "--registry-host", registry.host, "deploy.yaml"])
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    by_rule = {f["rule"]: f for f in document["findings"]}
    assert set(by_rule) == {"CSK040", "CSR001"}
    audited = by_rule["CSR001"]
    assert (audited["path"], audited["line"], audited["column"]) == ("deploy.yaml", 11, 11)
    assert audited["stage"] == "release"
    assert audited["object"] == {"kind": "Deployment", "namespace": "shop", "name": "web", "container": "web"}
    assert audited["message"].startswith(f"{image} (deployed by container 'web' of Deployment shop/web): ")
    assert [i["reference"] for i in document["images"]] == [image, "docker.io/library/redis:7"]


def test_list_images_feeds_retention(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(image="registry.example.com/web@sha256:" + "c" * 64))
    monkeypatch.chdir(tmp_path)
    assert main(["k8s", "--list-images", "."]) == 0
    assert capsys.readouterr().out.splitlines() == ["registry.example.com/web@sha256:" + "c" * 64,
                                                    "docker.io/library/redis:7"]


def test_pin_writes_manifest_digests_and_keeps_every_other_byte(tmp_path, registry, capsys, monkeypatch) -> None:
    digest = api_image(registry, "team/web", "1.2", {"created": "2026-11-20T00:00:00Z"})
    image = f"{registry.host}/team/web:1.2"
    text = (DEPLOYMENT.split("        - name: cache")[0].format(image=f'"{image}"  # quoted, with a comment')
            + f"        - name: side\n          image: {image}\n"
            + "        - name: templated\n          image: '{{ .Values.image }}'\n")
    (tmp_path / "deploy.yaml").write_text(text)
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.chdir(tmp_path)
    assert main(["pin", "--check", "deploy.yaml"]) == 1
    assert "CSK041" in capsys.readouterr().out
    assert main(["pin", "--format", "json", "deploy.yaml"]) == 0
    pins = json.loads(capsys.readouterr().out)["pins"]
    assert [(p["line"], p["action"]) for p in pins] == [(11, "pinned"), (13, "pinned")]
    assert (tmp_path / "deploy.yaml").read_text() == text.replace(image, f"{image}@{digest}")
    assert (tmp_path / "Dockerfile").read_text() == "FROM scratch\n"  # only the files named are touched
    assert main(["pin", "--check", "deploy.yaml"]) == 0  # a template placeholder is the renderer's to fill


def test_require_label_judges_the_deployed_images_in_the_registry(tmp_path, registry, capsys, monkeypatch) -> None:
    api_image(registry, "team/web", "1.0", {"created": "2026-11-20T00:00:00Z"})
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(image=f"{registry.host}/team/web:1.0"))
    (tmp_path / ".containersec.yaml").write_text("select: [CSR030]\n")
    monkeypatch.chdir(tmp_path)
    code = main(["k8s", "--format", "json", "--registry-host", registry.host,
                 "--require-label", "org.example.team:text", "--fail-on", "info", "deploy.yaml"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["rule"], f["line"]) for f in findings if "org.example.team" in f["message"]] == [("CSR030", 11)]


def test_require_label_without_registry_is_a_usage_error(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT.format(image="registry.example.com/web:1.0"))
    monkeypatch.chdir(tmp_path)
    assert main(["k8s", "--require-label", "org.example.team:text", "deploy.yaml"]) == 2
    assert "add --registry" in capsys.readouterr().err
