"""The test image builder itself: what it writes is what the image tests rely on."""

from __future__ import annotations

import json
import tarfile

from oci_images import (
    Entry,
    ImageConfig,
    Layer,
    add_index,
    build_layout,
    config_of,
    export_docker_archive,
    export_oci_archive,
    manifest_of,
)


def two_layer_image(tmp_path):
    layers = [
        Layer([Entry("etc"), Entry("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
               Entry("usr/bin/su", b"\x7fELF", mode=0o4755), Entry("root/.ssh/id_rsa", "KEY")],
              created_by="COPY rootfs / # buildkit"),
        Layer([Entry("tmp", mode=0o1777)], deleted=["root/.ssh/id_rsa"], opaque=["etc"],
              created_by="RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit"),
    ]
    config = ImageConfig(user="1000", env={"TOKEN": "abc"}, labels={"org.opencontainers.image.source": "x"},
                         exposed_ports=["22/tcp"], created="2023-05-06T07:08:09Z")
    return build_layout(tmp_path / "layout", layers, config)


def test_layout_has_the_layers_history_and_config_asked_for(tmp_path):
    layout = two_layer_image(tmp_path)
    config = config_of(layout, "v1")
    assert config["created"] == "2023-05-06T07:08:09Z"
    assert config["config"]["User"] == "1000"
    assert "TOKEN=abc" in config["config"]["Env"]
    assert config["config"]["Labels"] == {"org.opencontainers.image.source": "x"}
    assert "22/tcp" in config["config"]["ExposedPorts"]
    assert [h["created_by"] for h in config["history"]] == ["COPY rootfs / # buildkit",
                                                            "RUN /bin/sh -c rm /root/.ssh/id_rsa # buildkit"]
    assert len(config["rootfs"]["diff_ids"]) == 2 == len(manifest_of(layout, "v1")["layers"])


def test_exports_keep_modes_and_whiteouts(tmp_path):
    layout = two_layer_image(tmp_path)
    archive = export_docker_archive(layout, "v1", tmp_path / "image.tar")
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        first, second = manifest[0]["Layers"]
        with tarfile.open(fileobj=outer.extractfile(first)) as layer:
            assert layer.getmember("usr/bin/su").mode == 0o4755
        with tarfile.open(fileobj=outer.extractfile(second)) as layer:
            assert {"root/.ssh/.wh.id_rsa", "etc/.wh..wh..opq"} <= set(layer.getnames())
    oci = export_oci_archive(layout, "v1", tmp_path / "image.oci.tar")
    with tarfile.open(oci) as outer:
        assert {"oci-layout", "index.json"} <= set(outer.getnames())


def test_index_over_two_platforms(tmp_path):
    layout = build_layout(tmp_path / "layout", [Layer([Entry("a", "1")])], ImageConfig(architecture="amd64"),
                          tag="amd64")
    build_layout(layout, [Layer([Entry("a", "2")])], ImageConfig(architecture="arm64"), tag="arm64")
    digest = add_index(layout, "multi", {"linux/amd64": "amd64", "linux/arm64": "arm64"})
    assert digest.startswith("sha256:")
    assert config_of(layout, "arm64")["architecture"] == "arm64"
