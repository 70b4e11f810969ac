"""Signatures, SBOMs and provenance attached to a digest, as cosign, Notation, OCI 1.1 and BuildKit store them.

- cosign tags: `sha256-<hex>.sig` (signatures), `.att` (attestations), `.sbom` (`cosign attach sbom`);
- OCI 1.1 referrers (the API, else the referrers tag schema: an index tagged `sha256-<hex>`), classified by
  `artifactType` (or the config media type when there is none);
- BuildKit attestation manifests inside an image index (`vnd.docker.reference.type: attestation-manifest`).

cosign's key-based signatures are verified with `cryptography`: an ECDSA P-256 signature (SHA-256, DER,
base64 in the `dev.cosignproject.cosign/signature` layer annotation) over the simple-signing payload, which
must name the digest being audited.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from containersec.release.registry.shapes import mapping, sequence
from containersec.untrusted import json_data

SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
SIGNATURE_TYPES = frozenset({
    "application/vnd.dev.cosign.artifact.sig.v1+json",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.cncf.notary.signature",
    SIMPLE_SIGNING,
})
SBOM_TYPES = frozenset({"application/spdx+json", "text/spdx", "application/vnd.cyclonedx+json",
                        "application/vnd.cyclonedx+xml", "application/vnd.syft+json"})
PROVENANCE_TYPES = frozenset({"application/vnd.in-toto+json", "application/vnd.dsse.envelope.v1+json"})
SBOM_PREDICATES = ("https://spdx.dev/Document", "https://cyclonedx.org/bom")
# A vulnerability scan (cosign attest --type vuln) is neither an SBOM nor provenance.
VULN_SCAN_PREDICATE = "https://cosign.sigstore.dev/attestation/vuln/v1"
ARTIFACT_TAG = re.compile(r"sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?")


class PublicKeyError(ValueError):
    """The configured public key cannot be used."""


@dataclass(frozen=True)
class Attached:
    """What is attached to one digest."""

    signatures: tuple[str, ...] = ()  # where each was found: "cosign tag", "referrer <digest>"
    sboms: tuple[str, ...] = ()
    provenance: tuple[str, ...] = ()


def cosign_tag(digest: str, suffix: str) -> str:
    return f"{digest.replace(':', '-')}{suffix}"


def is_artifact_tag(tag: str) -> bool:
    return ARTIFACT_TAG.fullmatch(tag) is not None


def classify(descriptor: dict[str, Any]) -> str | None:
    """signature, sbom, provenance, scan (a vulnerability attestation) or None for a referrer descriptor, an
    artifact manifest or an attestation layer."""
    kind = str(descriptor.get("artifactType") or mapping(descriptor.get("config")).get("mediaType") or "").lower()
    annotations = mapping(descriptor.get("annotations"))
    predicate = str(annotations.get("in-toto.io/predicate-type") or annotations.get("predicateType")
                    or annotations.get("dev.sigstore.bundle.predicateType") or "")
    if predicate == VULN_SCAN_PREDICATE:
        return "scan"
    if kind in SIGNATURE_TYPES:
        return "signature"
    if kind in SBOM_TYPES or predicate.startswith(SBOM_PREDICATES):
        return "sbom"
    if kind in PROVENANCE_TYPES or "slsa.dev/provenance" in predicate:
        return "provenance"
    return None


def buildkit_attestations(index: dict[str, Any]) -> dict[str, list[str]]:
    """{platform manifest digest: [attestation manifest digests]} from BuildKit's entries in an index."""
    found: dict[str, list[str]] = {}
    for entry in map(mapping, sequence(index.get("manifests"))):
        annotations = mapping(entry.get("annotations"))
        if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
            found.setdefault(str(annotations.get("vnd.docker.reference.digest")), []).append(str(entry.get("digest")))
    return found


def is_attestation_entry(entry: dict[str, Any]) -> bool:
    annotations = mapping(entry.get("annotations"))
    return annotations.get("vnd.docker.reference.type") == "attestation-manifest"


def load_public_key(path: Path) -> Any:
    """cosign's public key: a PEM ECDSA P-256 key (`cosign generate-key-pair` writes cosign.pub)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise PublicKeyError(f"{path}: not a PEM public key ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise PublicKeyError(f"{path}: not an ECDSA P-256 public key (what cosign generate-key-pair writes)")
    return key


def verify_simple_signing(key: Any, payload: bytes, signature: str, digest: str) -> str | None:
    """None when `signature` is the key's signature over `payload` and the payload names `digest`; else why not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return "the signature annotation is not base64"
    try:
        key.verify(raw, payload, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "the signature does not verify with the configured public key"
    try:
        critical = json_data.loads(payload)["critical"]
        image = {str(k).lower(): v for k, v in critical["image"].items()}
        named = image["docker-manifest-digest"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return "the signed payload is not a simple-signing document"
    if named != digest:
        return f"the signed payload names another digest ({str(named)[:80]})"
    return None
