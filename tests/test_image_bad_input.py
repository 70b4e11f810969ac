"""Hostile and broken images: each is a clear error (exit 2) or a finding, never a traceback or a write to disk.

Images whose parts umoci would refuse to write (climbing paths, wrong digests, zstd layers, truncated tails)
are assembled here by hand as OCI layouts: a few JSON documents and blobs, as the image-spec defines them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import tracemalloc
from pathlib import Path

import pytest
from oci_images import Entry, ImageConfig, Layer, build_layout, export_docker_archive, manifest_of

from containersec.config import Config
from containersec.test.image import check_images
from containersec.test.image import layers as layer_reader

LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _blob(layout: Path, data: bytes) -> dict:
    (layout / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (layout / "blobs" / "sha256" / sha256(data).partition(":")[2]).write_bytes(data)
    return {"digest": sha256(data), "size": len(data)}


def hand_layout(layout: Path, tars: list[bytes], *, compress: str = "", config: dict | None = None,
                diff_ids: list[str] | None = None) -> Path:
    """An OCI layout of one image tagged "v1" with these layer tars, gzip- or zstd-compressed or not."""
    layout.mkdir(parents=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}', encoding="utf-8")
    descriptors = []
    for tar in tars:
        if compress == "gzip":
            blob = gzip.compress(tar)
        elif compress == "zstd":
            from backports import zstd

            blob = zstd.compress(tar)
        else:
            blob = tar
        descriptors.append({"mediaType": LAYER_TYPE + (f"+{compress}" if compress else ""), **_blob(layout, blob)})
    image_config = {"architecture": "amd64", "os": "linux",
                    "config": {"User": "1000", "Healthcheck": {"Test": ["NONE"]}},
                    "rootfs": {"type": "layers", "diff_ids": diff_ids or [sha256(t) for t in tars]},
                    "history": [{"created_by": f"RUN /bin/sh -c step{i} # buildkit"} for i in range(len(tars))],
                    **(config or {})}
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           **_blob(layout, json.dumps(image_config).encode())},
                "layers": descriptors}
    entry = {"mediaType": "application/vnd.oci.image.manifest.v1+json", **_blob(layout, json.dumps(manifest).encode()),
             "annotations": {"org.opencontainers.image.ref.name": "v1"}}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [entry]}), encoding="utf-8")
    return layout


def layer_blob(layout: Path, index: int) -> Path:
    entry = json.loads((layout / "index.json").read_text())["manifests"][0]
    manifest = json.loads((layout / "blobs" / "sha256" / entry["digest"].partition(":")[2]).read_bytes())
    return layout / "blobs" / "sha256" / manifest["layers"][index]["digest"].partition(":")[2]


def raw_tar(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buffer.getvalue()


def member(name: str, data: bytes = b"x", *, mode: int = 0o644, link: str | None = None,
           kind: bytes = tarfile.REGTYPE) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode, info.type = mode, kind
    if link is not None:
        info.linkname = link
    return info, data


def run_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "containersec", "image", "--format", "json", *arguments],
                          capture_output=True, text=True, cwd=cwd)


def good_archive(tmp_path: Path) -> Path:
    layout = build_layout(tmp_path / "good", [Layer([Entry("a", "1", mode=0o666)])], ImageConfig(user="1000"))
    return export_docker_archive(layout, "v1", tmp_path / "good.tar")


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.7, 0.85])
def test_a_truncated_tarball_is_an_error_and_the_other_image_is_still_checked(tmp_path, fraction):
    good = good_archive(tmp_path)
    data = good.read_bytes()
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(data[: int(len(data) * fraction)])
    result = run_cli(str(truncated), str(good))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    [error] = document["errors"]
    assert error["path"] == str(truncated)
    assert "truncated" in error["message"]
    assert {f["rule"] for f in document["findings"]} >= {"CSI021"}  # the good image's world-writable file
    assert f"containersec: {truncated}:" in result.stderr


def test_a_layer_that_does_not_match_its_digest(tmp_path):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("etc/motd", b"hello")])])
    layer_blob(layout, 0).write_bytes(raw_tar([member("etc/motd", b"evil!")]))  # same size, other content
    [error] = check_images([str(layout)], Config()).errors
    assert "layer 0" in error.message and "does not match its digest" in error.message


def test_a_layer_that_does_not_match_its_diff_id(tmp_path):
    tar = raw_tar([member("a")])
    layout = hand_layout(tmp_path / "l", [tar], compress="gzip", diff_ids=[sha256(b"other")])
    [error] = check_images([str(layout)], Config()).errors
    assert "does not match rootfs.diff_ids[0]" in error.message


def test_a_missing_blob(tmp_path):
    layout = build_layout(tmp_path / "l", [Layer([Entry("a", "1")])])
    digest = manifest_of(layout, "v1")["layers"][0]["digest"]
    (layout / "blobs" / "sha256" / digest.partition(":")[2]).unlink()
    result = run_cli(str(layout))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "layer 0 blob is missing" in json.loads(result.stdout)["errors"][0]["message"]


def test_climbing_and_absolute_paths_and_links_out_of_the_root_are_findings_and_never_written(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    tar = raw_tar([member("../../escaped.txt", b"owned"), member("/etc/cron.d/job", b"* * * * * root x"),
                   member("app/up", link="../../../../etc/shadow", kind=tarfile.SYMTYPE),
                   member("app/abs", link="/etc/passwd", kind=tarfile.SYMTYPE),
                   member("app/hard", link="../outside", kind=tarfile.LNKTYPE),
                   member("app/ok", link="../etc/motd", kind=tarfile.SYMTYPE)])
    layout = hand_layout(work / "l", [tar])
    result = run_cli(str(layout), cwd=work)
    assert result.returncode == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "CSI029"]
    messages = " | ".join(f["message"] for f in found)
    assert len(found) == 4, messages
    assert "'../../escaped.txt': path climbs out of the root" in messages
    assert "'/etc/cron.d/job': absolute path" in messages
    assert "symlink to '../../../../etc/shadow' points out of the root" in messages
    assert "hardlink to '../outside' points out of the root" in messages
    assert not (tmp_path / "escaped.txt").exists() and not list(work.glob("*.txt"))
    assert sorted(p.name for p in work.iterdir()) == ["l"]


def test_a_sparse_tar_bomb_is_read_in_bounded_time_and_memory(tmp_path):
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    with open(root / "data" / "huge.img", "wb") as handle:
        handle.truncate(64 * 1024**3)  # 64 GiB of holes: takes no disk
    (root / "data" / "open").write_text("x")
    os.chmod(root / "data" / "open", 0o666)
    tar = subprocess.run(["tar", "--sparse", "--format=gnu", "-C", str(root), "-cf", "-", "data"],
                         capture_output=True, check=True).stdout
    assert len(tar) < 1024 * 1024
    layout = hand_layout(tmp_path / "l", [tar], compress="gzip")
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = check_images([str(layout)], Config())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    assert report.errors == []
    assert [f.extra["image"]["path"] for f in report.findings if f.rule == "CSI021"] == ["/data/open"]
    assert peak < 64 * 1024 * 1024  # a 64 GiB file: nothing of it is held


def test_too_many_paths_is_a_tar_bomb_error(tmp_path, monkeypatch):
    monkeypatch.setattr(layer_reader, "MAX_ENTRIES", 50)
    layout = hand_layout(tmp_path / "l", [raw_tar([member(f"f{i}") for i in range(60)])])
    [error] = check_images([str(layout)], Config()).errors
    assert "tar bomb" in error.message


def test_umoci_style_truncated_tail_is_accepted_with_a_notice(tmp_path):
    tar = raw_tar([member("app/.env", b"SECRET=1\n"), member("app/run", b"#!/bin/sh\n", mode=0o777)])
    cut = tar[: tar.index(b"#!/bin/sh\n") + len(b"#!/bin/sh\n")]
    layout = hand_layout(tmp_path / "l", [cut])  # no padding after the last member, no end blocks
    report = check_images([str(layout)], Config())
    assert report.errors == []
    assert {f.rule for f in report.findings} == {"CSI021", "CSI025"}
    assert any("end-of-archive" in notice for notice in report.notices)


def test_a_layer_cut_inside_a_member_is_an_error(tmp_path):
    tar = raw_tar([member("app/big", b"y" * 5000)])
    cut = tar[: tar.index(b"y" * 10) + 100]
    layout = hand_layout(tmp_path / "l", [cut], diff_ids=[sha256(cut)])
    [error] = check_images([str(layout)], Config()).errors
    assert "layer 0" in error.message and ("truncated" in error.message or "ends early" in error.message)


def test_uncompressed_gzip_and_zstd_layers_read_the_same(tmp_path):
    tar = raw_tar([member("usr/bin/x", b"\x7fELF", mode=0o4755)])
    for compress in ("", "gzip", "zstd"):
        layout = hand_layout(tmp_path / (compress or "plain"), [tar], compress=compress)
        report = check_images([str(layout)], Config())
        assert report.errors == [], compress
        assert [f.extra["image"]["path"] for f in report.findings if f.rule == "CSI020"] == ["/usr/bin/x"]


def test_zstd_without_the_library_says_how_to_get_it(tmp_path, monkeypatch):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])], compress="zstd")
    monkeypatch.setitem(sys.modules, "backports.zstd", None)  # import fails as when it is not installed
    monkeypatch.setitem(sys.modules, "compression.zstd", None)
    [error] = check_images([str(layout)], Config()).errors
    assert "zstd-compressed" in error.message and "pip install 'containersec[zstd]'" in error.message


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.write_bytes(b"not a tarball at all"), "not a readable image tarball"),
    (lambda p: p.mkdir(), "neither a docker-archive"),
    (lambda p: None, "no such file or directory"),
])
def test_not_an_image(tmp_path, make, expected):
    path = tmp_path / "input"
    make(path)
    result = run_cli(str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert expected in json.loads(result.stdout)["errors"][0]["message"]


def test_blob_names_cannot_leave_the_layout(tmp_path):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])])
    index = json.loads((layout / "index.json").read_text())
    index["manifests"][0]["digest"] = "sha256:../../../../etc/passwd"
    (layout / "index.json").write_text(json.dumps(index))
    [error] = check_images([str(layout)], Config()).errors
    assert "invalid digest" in error.message


def test_invalid_json_and_layer_count_mismatch(tmp_path):
    broken = hand_layout(tmp_path / "a", [raw_tar([member("a")])])
    (broken / "index.json").write_text("{not json")
    assert "index.json is not valid JSON" in check_images([str(broken)], Config()).errors[0].message
    extra = hand_layout(tmp_path / "b", [raw_tar([member("a")])], diff_ids=[sha256(b"1"), sha256(b"2")])
    assert "lists 2 layers" in check_images([str(extra)], Config()).errors[0].message



def test_a_layer_written_by_umoci_insert_is_read_with_a_notice(tmp_path):
    layout = build_layout(tmp_path / "l", [Layer([Entry("etc"), Entry("etc/motd", "hi\n")])], ImageConfig(user="1"))
    source = tmp_path / "src"
    source.mkdir()
    (source / "run.sh").write_text("#!/bin/sh\n")
    os.chmod(source / "run.sh", 0o777)
    subprocess.run(["umoci", "insert", "--image", f"{layout}:v1", "--history.created_by", "COPY run.sh /app/",
                    str(source), "/app"], check=True, capture_output=True)
    report = check_images([str(layout)], Config())
    assert report.errors == []
    assert [f.extra["image"]["path"] for f in report.findings if f.rule == "CSI021"] == ["/app/run.sh"]
    assert any("end-of-archive" in notice for notice in report.notices), report.notices


# --- hostile layers: bounded headers, aggregated findings, a budget, blobs that are not files --------------


def limited_cli(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`run_cli` in a process that cannot map more than 512 MiB (an image check needs about 100)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (512 * 1024**2, 512 * 1024**2))

    done = subprocess.run([sys.executable, "-m", "containersec", "image", "--format", "json", *arguments],
                          capture_output=True, text=True, cwd=cwd, timeout=60, preexec_fn=limit)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    return done


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME])
def test_a_one_gib_pax_or_long_name_header_is_refused_before_it_is_read(tmp_path, kind):
    header = tarfile.TarInfo("././@PaxHeader" if kind == tarfile.XHDTYPE else "././@LongLink")
    header.type, header.size = kind, 1024**3
    # A 1 MB gzip blob (one member per MiB of zeros) that holds the whole 1 GiB header.
    blob = gzip.compress(header.tobuf(format=tarfile.USTAR_FORMAT)) + gzip.compress(bytes(1024**2)) * 1024
    assert len(blob) < 2 * 1024**2
    layout = hand_layout(tmp_path / "l", [blob])
    good = good_archive(tmp_path)
    done = limited_cli(str(layout), str(good))
    report = json.loads(done.stdout)
    assert done.returncode == 2
    [error] = report["errors"]
    assert "1,073,741,824 bytes, more than the 1,048,576 allowed" in error["message"]
    assert [i["path"] for i in report["images"]] == [str(good)]


def test_500_000_climbing_members_would_be_one_finding_with_a_count(tmp_path):
    names = [f"../../x{i}" for i in range(20_000)] + [f"/abs{i}" for i in range(3)]
    tar = raw_tar([member(name, b"") for name in names])
    layout = hand_layout(tmp_path / "l", [tar], compress="gzip")
    found = [f for f in check_images([str(layout)], Config()).findings if f.rule == "CSI029"]
    assert [f.message for f in found] == [
        "layer 0 member '../../x0': path climbs out of the root filesystem with '..' (19,999 more members of "
        "this layer do the same)",
        "layer 0 member '/abs0': absolute path (layer members are relative to the root) (2 more members of this "
        "layer do the same)"]


def test_members_written_through_a_symlinked_folder_and_device_nodes_are_findings(tmp_path):
    device = member("dev/sda", kind=tarfile.BLKTYPE)
    device[0].devmajor, device[0].devminor = 8, 0
    lower = raw_tar([member("etc", kind=tarfile.DIRTYPE), member("cron", link="/etc/cron.d", kind=tarfile.SYMTYPE)])
    upper = raw_tar([member("cron/job", b"* * * * * root x"), member("usr/lib", kind=tarfile.DIRTYPE),
                     member("usr/lib/ok", b"fine"), device])
    layout = hand_layout(tmp_path / "l", [lower, upper])
    messages = [f.message for f in check_images([str(layout)], Config()).findings if f.rule == "CSI029"]
    assert messages == ["layer 1 member 'cron/job': written through '/cron', a symlink to '/etc/cron.d'",
                        "layer 1 member 'dev/sda': block device node 8:0 (builders never write devices; runtimes "
                        "make /dev)"]


def test_corrupt_zstd_data_is_a_layer_error(tmp_path):
    from backports import zstd

    blob = zstd.compress(raw_tar([member("a", b"x" * 4096)]))
    broken = blob[:8] + bytes(b ^ 0x5A for b in blob[8:])
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])], compress="zstd")
    layer_blob(layout, 0).write_bytes(broken)
    [error] = check_images([str(layout)], Config()).errors
    assert "layer 0" in error.message and "zstd" in error.message and "internal error" not in error.message


def test_the_uncompressed_bytes_of_all_layers_share_one_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(layer_reader, "MAX_IMAGE_BYTES", 3 * 1024 * 1024)
    one_mib = raw_tar([member("big", bytes(1024 * 1024))])
    assert not check_images([str(hand_layout(tmp_path / "two", [one_mib] * 2, compress="gzip"))], Config()).errors
    [error] = check_images([str(hand_layout(tmp_path / "four", [one_mib] * 4, compress="gzip"))], Config()).errors
    assert "layer 2" in error.message and "past 3,145,728 uncompressed bytes" in error.message


def test_members_of_all_layers_share_one_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(layer_reader, "MAX_ENTRIES", 50)
    layers = [raw_tar([member(f"l{layer}/f{i}") for i in range(20)]) for layer in range(3)]
    [error] = check_images([str(hand_layout(tmp_path / "l", layers))], Config()).errors
    assert "layer 2" in error.message and "past 50 members: a tar bomb" in error.message


@pytest.mark.parametrize("replace", ["fifo", "dev-zero", "link-out"])
def test_a_layout_blob_that_is_not_a_regular_file_inside_the_folder_is_refused_at_once(tmp_path, replace):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])])
    blob = layer_blob(layout, 0)
    outside = tmp_path / "outside.tar"
    outside.write_bytes(blob.read_bytes())
    blob.unlink()
    if replace == "fifo":
        os.mkfifo(blob)
    else:
        blob.symlink_to("/dev/zero" if replace == "dev-zero" else outside)
    started = time.monotonic()
    done = limited_cli(str(layout))
    assert time.monotonic() - started < 30  # a FIFO or /dev/zero held the run forever
    [error] = json.loads(done.stdout)["errors"]
    expected = "is a link out of the layout folder" if replace != "fifo" else "is not a regular file"
    assert done.returncode == 2 and expected in error["message"]


@pytest.mark.parametrize(("index", "expected"), [
    ({"schemaVersion": 2, "manifests": 5}, "lists no images"),
    ({"schemaVersion": 2, "manifests": [{"digest": "x", "annotations": "tag"}]}, "invalid digest"),
])
def test_wrong_json_types_in_an_index_are_errors_not_crashes(tmp_path, index, expected):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])])
    (layout / "index.json").write_text(json.dumps(index))
    [error] = check_images([str(layout)], Config()).errors
    assert expected in error.message and "internal error" not in error.message


def test_wrong_json_types_in_a_nested_index_and_a_docker_manifest(tmp_path):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])])
    entry = json.loads((layout / "index.json").read_text())["manifests"][0]
    child = {**entry, "platform": "linux/amd64"}
    nested_index = json.dumps({"schemaVersion": 2, "manifests": [child, {**child, "platform": 5}]}).encode()
    index_entry = {"mediaType": "application/vnd.oci.image.index.v1+json", **_blob(layout, nested_index)}
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [index_entry]}))
    report = check_images([str(layout)], Config())  # both name the same image: it is checked
    assert report.errors == [] and report.extra["images"][0]["layers"]
    archive = tmp_path / "docker.tar"
    with tarfile.open(archive, "w") as tar:
        data = json.dumps([{"Config": "c.json", "Layers": [], "RepoTags": 5}]).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    [error] = check_images([f"{archive}:v1"], Config()).errors
    assert "has no image 'v1'" in error.message


def test_an_index_nested_100_000_deep_is_an_error(tmp_path):
    layout = hand_layout(tmp_path / "l", [raw_tar([member("a")])])
    (layout / "index.json").write_bytes(b'{"manifests": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    [error] = check_images([str(layout)], Config()).errors
    assert "index.json is nested 100001 levels deep, more than the 128 allowed" in error.message
