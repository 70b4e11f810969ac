"""A real registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 at a free port.

Variants: plain HTTP with deletes enabled; deletes disabled; htpasswd basic auth over TLS with a self-signed
certificate made with `cryptography`. Also the small helpers the tests push artifacts with (blobs and
manifests over the distribution API, as cosign and oras do) and build images with (tests/oci_images.py).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from oci_images import Entry, ImageConfig, Layer, build_layout, push, require_tools

USERNAME, PASSWORD = "alice", "s3cret-pass"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
EMPTY_CONFIG = "application/vnd.oci.empty.v1+json"


@dataclass
class RegistryServer:
    host: str  # 127.0.0.1:PORT
    root: Path
    tls: bool = False
    auth: bool = False

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}"

    @property
    def ca_bundle(self) -> str | None:
        return str(self.root / "cert.pem") if self.tls else None

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        if self.auth:
            session.auth = (USERNAME, PASSWORD)
        if self.tls:
            session.verify = self.ca_bundle
        return session

    def skopeo_options(self) -> list[str]:
        if not self.tls:
            return ["--dest-tls-verify=false"]
        certs = self.root / "certs.d"
        certs.mkdir(exist_ok=True)
        (certs / "ca.crt").write_bytes((self.root / "cert.pem").read_bytes())
        return [f"--dest-cert-dir={certs}", f"--dest-creds={USERNAME}:{PASSWORD}"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed(directory: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))


@contextmanager
def running_registry(root: Path, *, deletes: bool = True, auth: bool = False,
                     tls: bool = False) -> Iterator[RegistryServer]:
    require_tools("docker-registry", *(("htpasswd",) if auth else ()))
    root.mkdir(parents=True, exist_ok=True)
    server = RegistryServer(f"127.0.0.1:{free_port()}", root, tls=tls, auth=auth)
    http: dict[str, object] = {"addr": server.host}
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "error", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(root / "data")}, "delete": {"enabled": deletes},
                    "maintenance": {"uploadpurging": {"enabled": False}}},
        "http": http,
    }
    if tls:
        _self_signed(root)
        http["tls"] = {"certificate": str(root / "cert.pem"), "key": str(root / "key.pem")}
    if auth:
        result = subprocess.run(["htpasswd", "-Bbn", USERNAME, PASSWORD], capture_output=True, text=True,
                                check=True)
        (root / "htpasswd").write_text(result.stdout, encoding="utf-8")
        config["auth"] = {"htpasswd": {"realm": "basic-realm", "path": str(root / "htpasswd")}}
    (root / "config.yml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    log = (root / "registry.log").open("wb")
    process = subprocess.Popen(["docker-registry", "serve", str(root / "config.yml")], stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(server: RegistryServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    session = server.session()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"docker-registry exited: {(server.root / 'registry.log').read_text()[-2000:]}")
        try:
            if session.get(f"{server.url}/v2/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError("docker-registry did not answer /v2/ within 20 s")


@pytest.fixture(scope="module", name="registry")
def registry_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with running_registry(tmp_path_factory.mktemp("registry")) as server:
        yield server


@pytest.fixture(scope="module", name="secure_registry")
def secure_registry_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with running_registry(tmp_path_factory.mktemp("secure-registry"), auth=True, tls=True) as server:
        yield server


@pytest.fixture(scope="module", name="readonly_registry")
def readonly_registry_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    with running_registry(tmp_path_factory.mktemp("readonly-registry"), deletes=False) as server:
        yield server


# --- pushing -------------------------------------------------------------------------------------------

def digest_of(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def put_blob(server: RegistryServer, repository: str, body: bytes) -> dict[str, object]:
    """Upload a blob (monolithic POST then PUT); returns its descriptor without media type."""
    session = server.session()
    digest = digest_of(body)
    started = session.post(f"{server.url}/v2/{repository}/blobs/uploads/", timeout=30)
    assert started.status_code == 202, started.text
    location = requests.compat.urljoin(server.url, started.headers["Location"])
    done = session.put(location, params={"digest": digest}, data=body,
                       headers={"Content-Type": "application/octet-stream"}, timeout=30)
    assert done.status_code == 201, done.text
    return {"digest": digest, "size": len(body)}


def put_manifest(server: RegistryServer, repository: str, reference: str | None, manifest: Mapping[str, object],
                 media_type: str = OCI_MANIFEST) -> str:
    """Push a manifest by tag (or by its digest when `reference` is None); returns its digest."""
    body = json.dumps(manifest, separators=(",", ":")).encode()
    digest = digest_of(body)
    answer = server.session().put(f"{server.url}/v2/{repository}/manifests/{reference or digest}", data=body,
                                  headers={"Content-Type": media_type}, timeout=30)
    assert answer.status_code == 201, answer.text
    return digest


def artifact(server: RegistryServer, repository: str, layer_type: str, payload: bytes, *,
             subject: Mapping[str, object] | None = None, artifact_type: str | None = None,
             layer_annotations: Mapping[str, str] | None = None, tag: str | None = None) -> str:
    """An artifact manifest (a cosign signature, an SBOM ...) with one layer; pushed by tag or digest."""
    config = put_blob(server, repository, b"{}")
    layer = put_blob(server, repository, payload)
    manifest: dict[str, object] = {
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": EMPTY_CONFIG, **config},
        "layers": [{"mediaType": layer_type, **layer, **({"annotations": dict(layer_annotations)}
                                                          if layer_annotations else {})}],
    }
    if artifact_type:
        manifest["artifactType"] = artifact_type
    if subject is not None:
        manifest["subject"] = dict(subject)
    return put_manifest(server, repository, tag, manifest)


def descriptor(server: RegistryServer, repository: str, reference: str) -> dict[str, object]:
    """The descriptor (media type, digest, size) of what `reference` names on the registry."""
    answer = server.session().get(f"{server.url}/v2/{repository}/manifests/{reference}", timeout=30,
                                  headers={"Accept": f"{OCI_MANIFEST}, {OCI_INDEX}"})
    assert answer.status_code == 200, answer.text
    return {"mediaType": answer.headers["Content-Type"], "digest": digest_of(answer.content),
            "size": len(answer.content)}


def push_image(tmp: Path, server: RegistryServer, repository: str, tag: str, *, created: str = "2024-01-02T03:04:05Z",
               labels: Mapping[str, str] | None = None, annotations: Mapping[str, str] | None = None,
               user: str | None = "1000", env: Mapping[str, str] | None = None, content: str = "") -> str:
    """Build a one-layer image with umoci and push it with skopeo; returns its manifest digest."""
    layout = tmp / f"layout-{repository.replace('/', '-')}-{tag}"
    build_layout(layout, [Layer([Entry("app"), Entry("app/version", content or f"{repository}:{tag}")])],
                 ImageConfig(user=user, env=env or {}, labels=labels or {}, created=created,
                             annotations=annotations or {}), tag=tag)
    push(layout, tag, f"{server.host}/{repository}:{tag}", options=server.skopeo_options())
    return str(descriptor(server, repository, tag)["digest"])


def api_image(server: RegistryServer, repository: str, tag: str | None, config: Mapping[str, object],
              annotations: Mapping[str, str] | None = None) -> str:
    """An image pushed straight over the API (its config as given, one small layer): fast for bulk repositories."""
    layer = put_blob(server, repository, b"layer of " + repository.encode())
    body = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []},
                       **config}).encode()
    config_blob = put_blob(server, repository, body)
    manifest: dict[str, object] = {
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config_blob},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer}],
    }
    if annotations:
        manifest["annotations"] = dict(annotations)
    return put_manifest(server, repository, tag, manifest)


def api_index(server: RegistryServer, repository: str, tag: str | None, children: Mapping[str, str],
              extra: list[dict[str, object]] | None = None) -> str:
    """An image index over manifests already pushed ({"linux/amd64": digest}); `extra` descriptors appended."""
    manifests = []
    for platform, digest in children.items():
        os_name, _, architecture = platform.partition("/")
        manifests.append({**descriptor(server, repository, digest),
                          "platform": {"os": os_name, "architecture": architecture}})
    return put_manifest(server, repository, tag, {"schemaVersion": 2, "mediaType": OCI_INDEX,
                                                  "manifests": manifests + (extra or [])}, OCI_INDEX)
