"""`containersec image` names what it checked: the image (short names as Docker normalises them, config digests
in OCI layouts), its platform, its layers' two digests; and a Dockerfile line is hidden only when it holds a
secret itself. Real images: built by umoci, exported by skopeo (tests/oci_images.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from oci_images import (
    Entry,
    ImageConfig,
    Layer,
    add_index,
    build_layout,
    config_of,
    export_docker_archive,
    manifest_of,
)

from containersec.config import Config
from containersec.report import render
from containersec.test.image import check_images

GITHUB_TOKEN = "ghp_" + "Ab1" * 12
LAYERS = [Layer([Entry("app"), Entry("app/config.yml", f"github:\n  token: {GITHUB_TOKEN}\n")],
                created_by="COPY . /app # buildkit")]


def image(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "containersec", "image", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("naming")
    layout = build_layout(folder / "layout", LAYERS, ImageConfig(user="1000", architecture="amd64", os="linux",
                                                                 env={"HUB": GITHUB_TOKEN}), tag="amd64")
    build_layout(layout, LAYERS, ImageConfig(user="1000", architecture="arm64", os="linux"), tag="arm64")
    add_index(layout, "multi", {"linux/amd64": "amd64", "linux/arm64": "arm64"})
    return layout


def test_a_dockerfile_line_is_hidden_only_when_its_own_text_holds_a_secret(layout: Path, tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM scratch\nENV HUB={GITHUB_TOKEN}\nCOPY . /app\n", encoding="utf-8")
    report = check_images([f"{layout}:amd64"], Config(), dockerfile=str(dockerfile))
    text = render(report, "text")
    token_file = next(f for f in report.findings if f.extra["image"].get("path") == "/app/config.yml")
    assert token_file.line == 3 and not token_file.secret  # the COPY holds no secret: shown
    assert "    COPY . /app" in text
    assert GITHUB_TOKEN not in text  # the ENV line holds one: hidden
    assert any(f.line == 2 and f.secret for f in report.findings)
    assert "(source line not shown: it holds a secret)" in text


def test_short_names_match_as_docker_normalises_them(layout: Path, tmp_path: Path) -> None:
    archive = export_docker_archive(layout, "amd64", tmp_path / "skopeo.tar", "docker.io/library/app:v1")
    for name in ("app:v1", "library/app:v1", "docker.io/library/app:v1", "v1"):
        report = check_images([f"{archive}:{name}"], Config())
        assert report.errors == [], name
    assert check_images([f"{archive}:other/app:v1"], Config()).errors


def test_an_oci_layout_image_is_picked_by_its_config_digest(layout: Path) -> None:
    config_digest = manifest_of(layout, "arm64")["config"]["digest"]
    report = check_images([f"{layout}@{config_digest}"], Config())
    assert report.errors == [] and report.extra["images"][0]["config_digest"] == config_digest
    assert report.extra["images"][0]["platform"] == "linux/arm64"


def test_platform_is_validated_checked_and_reported(layout: Path, tmp_path: Path) -> None:
    bogus = image(f"{layout}:amd64", "--platform", "bogus", cwd=tmp_path)
    assert bogus.returncode == 2 and "is not OS/ARCH" in bogus.stderr
    single = check_images([f"{layout}:amd64"], Config(), platform="linux/arm64")
    assert [e.message for e in single.errors] == ["the image is for linux/amd64, not linux/arm64"]
    chosen = json.loads(image(f"{layout}:multi", "--platform", "linux/arm64", "-f", "json", cwd=tmp_path).stdout)
    assert chosen["images"][0]["platform"] == "linux/arm64"
    assert config_of(layout, "arm64")["architecture"] == "arm64"
    text = image(f"{layout}:amd64", cwd=tmp_path).stdout
    assert "platform: linux/amd64" in text


def test_list_shows_names_digests_and_platforms(layout: Path, tmp_path: Path) -> None:
    done = image("--list", "-f", "json", str(layout), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (contents,) = json.loads(done.stdout)["contents"]
    listed = {(i["names"][0], i["platform"]) for i in contents["images"]}
    assert listed == {("amd64", "linux/amd64"), ("arm64", "linux/arm64"), ("multi", "linux/amd64"),
                      ("multi", "linux/arm64")}
    assert all(i["config_digest"].startswith("sha256:") for i in contents["images"])
    text = image("--list", str(layout), cwd=tmp_path).stdout
    assert "4 images in 1 input" in text and "linux/arm64" in text


def test_layers_name_their_diff_id_and_blob_digest(layout: Path, tmp_path: Path) -> None:
    document = json.loads(image(f"{layout}:amd64", "-f", "json", cwd=tmp_path).stdout)
    (layer,) = document["images"][0]["layers"]
    manifest = manifest_of(layout, "amd64")
    assert layer["blob_digest"] == layer["digest"] == manifest["layers"][0]["digest"]
    assert layer["diff_id"] == config_of(layout, "amd64")["rootfs"]["diff_ids"][0] != layer["blob_digest"]
    found = next(f for f in document["findings"] if f["image"].get("path") == "/app/config.yml")
    assert found["image"]["layer"]["diff_id"] == layer["diff_id"] == found["image"]["layer"]["digest"]
    assert found["image"]["layer"]["blob_digest"] == layer["blob_digest"]
