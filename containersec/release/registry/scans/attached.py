"""Scan reports attached to a digest in the registry.

- cosign vulnerability attestations (`trivy image --format cosign-vuln` + `cosign attest --type vuln`): a DSSE
  envelope whose in-toto statement has the predicate type below and the scanner's report in
  `predicate.scanner.result`, in a layer of the `sha256-<hex>.att` tag, of an OCI 1.1 referrer, or inside a
  Sigstore bundle (cosign 3);
- referrer artifacts whose layer is a Trivy JSON, Grype JSON or SARIF report (`oras attach`), recognised by
  their content.

Signatures and SBOMs are never downloaded: their media types or predicate annotations say what they are.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from containersec.release.registry.client import Manifest, Registry, RegistryError, is_digest
from containersec.release.registry.shapes import mapping, sequence
from containersec.release.registry.signatures import SBOM_TYPES, SIGNATURE_TYPES, cosign_tag


class Repository(Protocol):
    """What is read of the audit's repository: its name, registry, tags and (cached) manifests."""

    name: str
    registry: Registry

    @property
    def tag_set(self) -> frozenset[str]: ...

    def manifest(self, reference: str) -> Manifest: ...

VULN_PREDICATE = "https://cosign.sigstore.dev/attestation/vuln/v1"
DSSE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO = "application/vnd.in-toto+json"
SIGSTORE_BUNDLES = frozenset({"application/vnd.dev.sigstore.bundle.v0.3+json",
                              "application/vnd.dev.sigstore.bundle+json;version=0.3"})
PREDICATE_ANNOTATIONS = ("predicateType", "in-toto.io/predicate-type", "dev.sigstore.bundle.predicateType")
MAX_REPORT_BYTES = 64 * 1024 * 1024  # a large image's Trivy JSON is tens of megabytes
MAX_LAYERS = 16  # layers read per attestation manifest: cosign appends one per `cosign attest`


@dataclass(frozen=True)
class Attached:
    """A report found in the registry: where, its bytes, and when the scan finished (when the attestation says)."""

    where: str
    body: bytes
    finished: str | None = None
    problem: str | None = None  # why it could not be read (a referrer whose manifest or blob is gone)


def attached_reports(repository: Repository, digest: str, referrers: list[dict[str, Any]]) -> Iterator[Attached]:
    """Every report attached to `digest`: its cosign `.att` tag first, then its referrers."""
    att = cosign_tag(digest, ".att")
    if att in repository.tag_set:
        yield from _from_manifest(repository, att, f"cosign attestation {att}", digest)
    for descriptor in referrers:
        kind = str(descriptor.get("artifactType") or "").lower()
        if kind in SBOM_TYPES or (kind in SIGNATURE_TYPES and kind not in SIGSTORE_BUNDLES):
            continue
        if _other_predicate(mapping(descriptor.get("annotations"))) or not is_digest(descriptor.get("digest")):
            continue
        where = f"referrer {descriptor['digest']}"
        try:
            yield from _from_manifest(repository, descriptor["digest"], where, digest)
        except RegistryError as exc:
            yield Attached(where, b"", problem=str(exc))


def _other_predicate(annotations: dict[str, Any]) -> bool:
    """An attestation whose annotations name a predicate type other than a vulnerability scan."""
    named = [str(annotations[key]) for key in PREDICATE_ANNOTATIONS if key in annotations]
    return bool(named) and VULN_PREDICATE not in named


def _from_manifest(repository: Repository, reference: str, where: str, digest: str) -> Iterator[Attached]:
    manifest = repository.manifest(reference)
    for layer in [mapping(item) for item in sequence(manifest.data.get("layers"))][:MAX_LAYERS]:
        media_type = str(layer.get("mediaType") or "").lower()
        if media_type in SBOM_TYPES or _other_predicate(mapping(layer.get("annotations"))):
            continue
        if not (media_type.endswith("json") or media_type in SIGSTORE_BUNDLES) or not is_digest(layer.get("digest")):
            continue
        body = repository.registry.blob(repository.name, layer["digest"], MAX_REPORT_BYTES)
        found = _report_in(body, digest)
        if found is not None:
            report, finished = found
            yield Attached(where, report, finished)


def _report_in(body: bytes, digest: str) -> tuple[bytes, str | None] | None:
    """The scanner report a layer carries: inside a vuln attestation, or the layer itself; None for neither."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict):
        return None
    envelope = mapping(document.get("dsseEnvelope")) or document  # a Sigstore bundle holds the envelope
    statement = _statement(envelope) if "payload" in envelope else document if "predicateType" in document else None
    if statement is None:
        return (body, None) if _looks_like_report(document) else None
    if statement.get("predicateType") != VULN_PREDICATE or not _names(statement, digest):
        return None
    predicate = mapping(statement.get("predicate"))
    result = mapping(predicate.get("scanner")).get("result")
    if not isinstance(result, dict):
        return None
    finished = mapping(predicate.get("metadata")).get("scanFinishedOn")
    return json.dumps(result).encode(), finished if isinstance(finished, str) else None


def _statement(envelope: dict[str, Any]) -> dict[str, Any] | None:
    payload = envelope.get("payload")
    if not isinstance(payload, str):
        return None
    try:
        statement = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return None
    return statement if isinstance(statement, dict) else None


def _names(statement: dict[str, Any], digest: str) -> bool:
    """Whether the statement's subject is the digest it is attached to (a copied attestation is not)."""
    hexdigest = digest.partition(":")[2]
    return any(mapping(mapping(subject).get("digest")).get("sha256") == hexdigest
               for subject in sequence(statement.get("subject")))


def _looks_like_report(document: dict[str, Any]) -> bool:
    return "SchemaVersion" in document or "matches" in document or "runs" in document
