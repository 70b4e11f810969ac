"""Fuzzing with mutated real inputs: whatever the bytes or the shapes, the readers of outside data raise only
their own input errors (never a TypeError, a RecursionError or a hang), and the registry audit reports
a broken answer as an input error of that reference, never as an internal error."""

from __future__ import annotations

import contextlib
import copy
import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from containersec.config import ConfigError
from containersec.test.image.layers import Budget, LayerError, read_layer
from containersec.test.image.model import Filesystem
from containersec.untrusted import DocumentError, json_data, yaml_data
from containersec.vulnerabilities.ignores import read_ignore_file
from containersec.vulnerabilities.read import ReportError, read_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORTS = SHARED / "fixtures" / "scan-reports"
TRIVY = (REPORTS / "trivy-alpine-3.10.json").read_bytes()[:60_000]  # the head is enough to mutate
GRYPE_SARIF = (REPORTS / "grype-nginx-grype-0.63.0.sarif").read_bytes()[:60_000]
CONFIG_YAML = b"""\
select: [CSD008, DL3009]
vulns:
  fail-on: high
  exceptions:
    - {id: CVE-2019-14697, reason: patched upstream, expires: 2030-01-31}
  ignore-files: [.trivyignore.yaml]
registry:
  release-tags: 'v?\\d+\\.\\d+\\.\\d+'
"""
TRIVY_IGNORE = b"""\
vulnerabilities:
  - id: CVE-2019-14697
    paths: ["usr/**/lib*.so", "**/musl"]
    expired_at: 2030-01-01
    statement: not reachable
"""
GRYPE_IGNORE = b"""\
ignore:
  - vulnerability: CVE-2019-14697
    package: {name: 'musl.*', location: '/lib/**'}
  - fix-state: not-fixed
"""
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])
REPLACEMENTS = [5, -1.5e308, "linux/amd64", "", None, True, [], {}, [[[[[[]]]]]], {"a": {"b": {"c": None}}},
                "2024-02-30", "(a|aa)+$", "../../etc/passwd", "\u202e\x1b[2J\n::error::x"]


@st.composite
def byte_mutations(draw: st.DrawFn, original: bytes) -> bytes:
    """`original` with a few bytes flipped, deleted, inserted or duplicated, or cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        operation = draw(st.sampled_from(["flip", "delete", "insert", "repeat", "cut"]))
        if operation == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif operation == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif operation == "insert":
            data[at:at] = draw(st.sampled_from([b"[", b"{", b'"', b"\\", b"\x00", b"\xff", b"[" * 5000, b"- ",
                                                b": ", b"&a ", b"*a", b"\n  ", b"!!python/object "]))
        elif operation == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 256))] * draw(st.integers(2, 50))
        else:
            del data[at:]
    return bytes(data)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value[:20]):
            found.extend(paths(item, (*prefix, index)))
    return found


@st.composite
def shape_mutations(draw: st.DrawFn, document: Any) -> Any:
    """`document` with a few values replaced by values of another JSON type (or hostile text)."""
    mutated = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(mutated)))
        replacement = copy.deepcopy(draw(st.sampled_from(REPLACEMENTS)))
        if not where:
            mutated = replacement
            continue
        parent = mutated
        for step in where[:-1]:
            parent = parent[step]
        parent[where[-1]] = replacement
    return mutated


# --- the shared readers ------------------------------------------------------------------------------------


@SETTINGS
@given(data=byte_mutations(TRIVY))
def test_the_json_reader_raises_only_document_errors(data: bytes) -> None:
    with contextlib.suppress(DocumentError):
        json_data.loads(data)
    try:
        for _ in json_data.events(io.BytesIO(data), prefix_depth=4):
            pass
    except DocumentError:
        pass


@SETTINGS
@given(data=st.one_of(byte_mutations(CONFIG_YAML), byte_mutations(TRIVY_IGNORE), byte_mutations(GRYPE_IGNORE)))
def test_the_yaml_reader_raises_only_document_errors(data: bytes) -> None:
    try:
        yaml_data.load(data.decode("utf-8", "replace"))
        for node in yaml_data.compose_all(data.decode("utf-8", "replace")):
            yaml_data.construct(node)
    except DocumentError:
        pass


# --- readers of reports and ignore files -------------------------------------------------------------------


@SETTINGS
@given(data=st.one_of(byte_mutations(TRIVY), byte_mutations(GRYPE_SARIF),
                      shape_mutations(json.loads(TRIVY_WHOLE := (REPORTS / "trivy-alpine-3.10.json").read_bytes()))
                      .map(lambda d: json.dumps(d).encode())))
def test_the_report_reader_raises_only_report_errors(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("report") / "report.json"
    path.write_bytes(data)
    with contextlib.suppress(ReportError):
        read_report(str(path))


@SETTINGS
@given(name=st.sampled_from([".trivyignore.yaml", ".grype.yaml"]), data=st.data())
def test_the_ignore_file_reader_raises_only_config_errors(tmp_path_factory: pytest.TempPathFactory, name: str,
                                                          data: st.DataObject) -> None:
    original = TRIVY_IGNORE if name == ".trivyignore.yaml" else GRYPE_IGNORE
    path = tmp_path_factory.mktemp("ignore") / name
    path.write_bytes(data.draw(byte_mutations(original)))
    try:
        rules = read_ignore_file(str(path))
    except ConfigError:
        return
    assert all(rule.source == str(path) for rule in rules)


# --- the layer reader --------------------------------------------------------------------------------------


def real_layer() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in (("etc/passwd", b"root:x:0:0::/root:/bin/sh\n"), ("app/.env", b"SECRET=1\n"),
                           ("usr/lib/" + "long" * 40 + ".so", b"\x7fELF")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("app/up")
        link.type, link.linkname = tarfile.SYMTYPE, "../../etc/shadow"
        tar.addfile(link)
    return buffer.getvalue()


LAYER = real_layer()


@SETTINGS
@given(data=st.one_of(byte_mutations(LAYER), byte_mutations(gzip.compress(LAYER)).map(gzip.compress),
                      byte_mutations(LAYER).map(gzip.compress)))
def test_the_layer_reader_raises_only_layer_errors(data: bytes) -> None:
    filesystem = Filesystem()
    try:
        read_layer(io.BytesIO(data), index=0, media_type="", blob_digest=None, diff_id=None, filesystem=filesystem,
                   scan_limit=1024, accepted=lambda path: False, budget=Budget())
    except LayerError:
        return
    assert all(path.startswith("/") for path in filesystem.files)


# --- the registry client's answers, through a whole audit ---------------------------------------------------


def digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


IMAGE_CONFIG = {"created": "2026-11-20T00:00:00Z", "architecture": "amd64", "os": "linux",
                "config": {"User": "1000", "Labels": {"org.opencontainers.image.source": "https://x.example/a"}},
                "rootfs": {"type": "layers", "diff_ids": []}, "history": [{"created_by": "RUN true"}]}
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


@pytest.fixture(scope="module")
def registry_server():
    from test_registry_hostile import Server

    server = Server()
    yield server
    server.close()


@SETTINGS
@given(config=shape_mutations(IMAGE_CONFIG), manifest_shape=st.data(), tags=st.data())
def test_an_audit_reports_any_registry_answer_as_an_input_error_or_findings(registry_server, config, manifest_shape,
                                                                            tags) -> None:
    from test_registry_hostile import send

    from containersec.config import Config
    from containersec.release.registry.audit import audit_references
    from containersec.test.image import config_findings

    config_body = json.dumps(config).encode()
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config_body),
                           "size": len(config_body)}, "layers": []}
    manifest_body = json.dumps(manifest_shape.draw(shape_mutations(manifest))).encode()
    tag_list = json.dumps(tags.draw(shape_mutations({"name": "app", "tags": ["1.0.0", "latest"]}))).encode()
    routes = registry_server.routes
    routes.clear()
    routes["/v2/"] = lambda h: send(h, 200, b"{}")
    routes["/v2/app/tags/list"] = lambda h: send(h, 200, tag_list, {"Content-Type": "application/json"})
    for tag in ("1.0.0", "latest", digest(manifest_body)):
        routes[f"/v2/app/manifests/{tag}"] = lambda h: send(h, 200, manifest_body, {"Content-Type": OCI_MANIFEST})
    routes[f"/v2/app/blobs/{digest(config_body)}"] = lambda h: send(h, 200, config_body)
    report = audit_references([f"{registry_server.host}/app"], Config(), config_checks=config_findings, environ={})
    assert not [e for e in report.errors if "internal error" in e.message], report.errors
