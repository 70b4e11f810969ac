"""Real OCI images for tests, built without a daemon: layer tars made here, assembled by umoci, exported by skopeo.

Layers are written with `tarfile` (exact modes, whiteouts and opaque directories, no files on disk with setuid
bits) and appended with `umoci raw add-layer`; the config is set with `umoci config`. `skopeo copy` turns the
layout into a docker-archive (as `docker save` writes) or an OCI archive, or pushes it to a registry.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TOOLS = ("umoci", "skopeo")
DEFAULT_CREATED = "2024-01-02T03:04:05Z"


def require_tools(*tools: str) -> None:
    """Skip where a tool is missing, except in CI, where scripts/test.sh installs them and a miss is a failure."""
    missing = [tool for tool in tools or TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"needs {', '.join(missing)} (scripts/test.sh installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Entry:
    """One member of a layer tar: a file (content), a directory, or a symlink (target)."""

    path: str
    content: bytes | str | None = None  # None: a directory unless `link` is set
    mode: int | None = None  # default 0o644 for files, 0o755 for directories
    link: str | None = None
    uid: int = 0
    gid: int = 0


@dataclass
class Layer:
    entries: Sequence[Entry] = ()
    deleted: Sequence[str] = ()  # paths of lower layers this layer removes (`.wh.<name>`)
    opaque: Sequence[str] = ()  # directories whose lower contents this layer hides (`.wh..wh..opq`)
    created_by: str = "COPY . / # buildkit"
    created: str = DEFAULT_CREATED


@dataclass
class ImageConfig:
    user: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    exposed_ports: Sequence[str] = ()  # "22/tcp"
    volumes: Sequence[str] = ()
    entrypoint: Sequence[str] = ()
    cmd: Sequence[str] = ()
    created: str = DEFAULT_CREATED
    architecture: str | None = None
    os: str | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)  # on the manifest


def layer_tar(layer: Layer) -> bytes:
    """The layer as an uncompressed, well-formed tar."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in layer.entries:
            info = tarfile.TarInfo(entry.path.lstrip("/"))
            info.uid, info.gid, info.mtime = entry.uid, entry.gid, 1704164645
            if entry.link is not None:
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, entry.link, 0o777
                tar.addfile(info)
            elif entry.content is None:
                info.type, info.mode = tarfile.DIRTYPE, entry.mode if entry.mode is not None else 0o755
                tar.addfile(info)
            else:
                data = entry.content.encode() if isinstance(entry.content, str) else entry.content
                info.size, info.mode = len(data), entry.mode if entry.mode is not None else 0o644
                tar.addfile(info, io.BytesIO(data))
        for path in layer.deleted:
            parent, _, name = path.strip("/").rpartition("/")
            _marker(tar, f"{parent}/.wh.{name}" if parent else f".wh.{name}")
        for directory in layer.opaque:
            _marker(tar, f"{directory.strip('/')}/.wh..wh..opq")
    return buffer.getvalue()


def _marker(tar: tarfile.TarFile, name: str) -> None:
    info = tarfile.TarInfo(name)
    info.mtime = 1704164645
    tar.addfile(info, io.BytesIO(b""))


def _run(*command: str | os.PathLike[str]) -> None:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise AssertionError(f"{' '.join(map(str, command))} failed: {result.stderr or result.stdout}")


def build_layout(directory: Path, layers: Sequence[Layer], config: ImageConfig | None = None,
                 tag: str = "v1") -> Path:
    """An OCI image layout at `directory` holding one image tagged `tag` (more tags may be added later)."""
    require_tools("umoci")
    config = config or ImageConfig()
    if not (directory / "oci-layout").exists():
        _run("umoci", "init", "--layout", directory)
    image = f"{directory}:{tag}"
    _run("umoci", "new", "--image", image)
    for index, layer in enumerate(layers):
        tar_path = directory.parent / f".{directory.name}-{tag}-layer{index}.tar"
        tar_path.write_bytes(layer_tar(layer))
        _run("umoci", "raw", "add-layer", "--image", image, "--history.created_by", layer.created_by,
             "--history.created", layer.created, tar_path)
        tar_path.unlink()
    options = ["--created", config.created, "--no-history"]
    if config.user is not None:
        options += ["--config.user", config.user]
    for name, value in config.env.items():
        options += ["--config.env", f"{name}={value}"]
    for name, value in config.labels.items():
        options += ["--config.label", f"{name}={value}"]
    for port in config.exposed_ports:
        options += ["--config.exposedports", port]
    for volume in config.volumes:
        options += ["--config.volume", volume]
    for word in config.entrypoint:
        options += ["--config.entrypoint", word]
    for word in config.cmd:
        options += ["--config.cmd", word]
    if config.architecture:
        options += ["--architecture", config.architecture]
    if config.os:
        options += ["--os", config.os]
    for name, value in config.annotations.items():
        options += ["--manifest.annotation", f"{name}={value}"]
    _run("umoci", "config", "--image", image, *options)
    return directory


def index_json(layout: Path) -> dict:
    return json.loads((layout / "index.json").read_text(encoding="utf-8"))


def blob(layout: Path, digest: str) -> bytes:
    algorithm, _, hexdigest = digest.partition(":")
    return (layout / "blobs" / algorithm / hexdigest).read_bytes()


def tagged_descriptor(layout: Path, tag: str) -> dict:
    for descriptor in index_json(layout)["manifests"]:
        if descriptor.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return descriptor
    raise KeyError(tag)


def manifest_of(layout: Path, tag: str) -> dict:
    return json.loads(blob(layout, tagged_descriptor(layout, tag)["digest"]))


def config_of(layout: Path, tag: str) -> dict:
    return json.loads(blob(layout, manifest_of(layout, tag)["config"]["digest"]))


def add_index(layout: Path, tag: str, platform_tags: Mapping[str, str]) -> str:
    """Tag `tag` as an image index over images already in the layout ({platform "os/arch": tag}); its digest."""
    import hashlib

    manifests = []
    for platform, image_tag in platform_tags.items():
        os_name, _, architecture = platform.partition("/")
        descriptor = dict(tagged_descriptor(layout, image_tag))
        descriptor.pop("annotations", None)
        descriptor["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
        descriptor["platform"] = {"os": os_name, "architecture": architecture}
        manifests.append(descriptor)
    body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": manifests}).encode()
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    (layout / "blobs" / "sha256" / digest.partition(":")[2]).write_bytes(body)
    index = index_json(layout)
    index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest,
                               "size": len(body), "annotations": {"org.opencontainers.image.ref.name": tag}})
    (layout / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return digest


def export_docker_archive(layout: Path, tag: str, destination: Path, reference: str = "test/app:v1") -> Path:
    """A tarball as `docker save` writes it (manifest.json, config, uncompressed layers)."""
    require_tools("skopeo")
    _run("skopeo", "copy", "--quiet", f"oci:{layout}:{tag}", f"docker-archive:{destination}:{reference}")
    return destination


def export_oci_archive(layout: Path, tag: str, destination: Path) -> Path:
    """The image as an OCI layout inside a tar (`oci-archive:`)."""
    require_tools("skopeo")
    _run("skopeo", "copy", "--quiet", f"oci:{layout}:{tag}", f"oci-archive:{destination}:{tag}")
    return destination


def push(layout: Path, tag: str, reference: str, *, all_platforms: bool = False,
         options: Sequence[str] = ("--dest-tls-verify=false",)) -> None:
    """Push `tag` of the layout to `reference` (host:port/name:tag), keeping its digest."""
    require_tools("skopeo")
    extra = ["--all"] if all_platforms else []
    _run("skopeo", "copy", "--quiet", *extra, *options, f"oci:{layout}:{tag}", f"docker://{reference}")


def export_oci_layout(layout: Path, tag: str, destination: Path) -> Path:
    """The image alone in a fresh OCI layout folder, as `skopeo copy ... oci:DIR:TAG` (or buildx type=oci) writes."""
    require_tools("skopeo")
    _run("skopeo", "copy", "--quiet", f"oci:{layout}:{tag}", f"oci:{destination}:{tag}")
    return destination


def _write_blob(layout: Path, document: dict) -> tuple[str, int]:
    import hashlib

    body = json.dumps(document).encode()
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    (layout / "blobs" / "sha256" / digest.partition(":")[2]).write_bytes(body)
    return digest, len(body)


def rewrite_config(layout: Path, tag: str, change) -> None:  # type: ignore[no-untyped-def]
    """Edit the config of `tag` in place (`change(config_dict)`), e.g. to add a Healthcheck umoci cannot set.

    The config, manifest and index.json entry are rewritten with their new digests.
    """
    manifest = manifest_of(layout, tag)
    config = config_of(layout, tag)
    change(config)
    manifest["config"]["digest"], manifest["config"]["size"] = _write_blob(layout, config)
    digest, size = _write_blob(layout, manifest)
    index = index_json(layout)
    for descriptor in index["manifests"]:
        if descriptor.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            descriptor["digest"], descriptor["size"] = digest, size
    (layout / "index.json").write_text(json.dumps(index), encoding="utf-8")
