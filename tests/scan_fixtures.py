"""The recorded real scanner reports of ../shared/fixtures/scan-reports, made to name a test's image.

A report names its image by digest (Trivy `Metadata.RepoDigests`/`ImageID`, Grype `source.target`, SARIF run
properties); copies made here name the digests of images the test pushed, and say when the scan finished.
Also the cosign vulnerability attestation around a report: the in-toto statement `cosign attest --type vuln`
signs, in its DSSE envelope.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

SCAN_REPORTS = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "scan-reports"
VULN_PREDICATE = "https://cosign.sigstore.dev/attestation/vuln/v1"
DSSE = "application/vnd.dsse.envelope.v1+json"
IN_TOTO = "application/vnd.in-toto+json"


def recorded(name: str) -> dict:
    return json.loads((SCAN_REPORTS / name).read_text(encoding="utf-8"))


def naming(name: str, image: str, digest: str, config_digest: str | None = None,
           finished: str | None = None) -> dict:
    """A copy of the recorded report `name` that names `image` (host/repo) at `digest`, finished at `finished`."""
    document = copy.deepcopy(recorded(name))
    if "SchemaVersion" in document:
        metadata = document.setdefault("Metadata", {})
        metadata["RepoDigests"] = [f"{image}@{digest}"]
        metadata["ImageID"] = config_digest or metadata.get("ImageID")
        document["ArtifactName"] = f"{image}@{digest}"
        if finished:
            document["CreatedAt"] = finished
    elif "matches" in document:
        target = document["source"]["target"]
        target.update(userInput=f"{image}@{digest}", manifestDigest=digest, repoDigests=[f"{image}@{digest}"],
                      imageID=config_digest or target.get("imageID"))
        if finished:
            document["descriptor"]["timestamp"] = finished
    else:
        run = document["runs"][0]
        run.setdefault("properties", {}).update(imageName=image, repoDigests=[f"{image}@{digest}"],
                                                imageID=config_digest or "")
        if finished:
            run["invocations"] = [{"executionSuccessful": True, "endTimeUtc": finished}]
    return document


def statement(report: dict, image: str, digest: str, finished: str) -> dict:
    """The in-toto statement of `trivy image --format cosign-vuln` as `cosign attest --type vuln` signs it."""
    return {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": VULN_PREDICATE,
        "subject": [{"name": image, "digest": {"sha256": digest.partition(":")[2]}}],
        "predicate": {
            "invocation": {"parameters": None, "uri": "", "event_id": "", "builder.id": ""},
            "scanner": {"uri": "pkg:github/aquasecurity/trivy@dev", "version": "dev",
                        "db": {"uri": "", "version": ""}, "result": report},
            "metadata": {"scanStartedOn": finished, "scanFinishedOn": finished},
        },
    }


def envelope(document: dict, key: ec.EllipticCurvePrivateKey) -> bytes:
    """A DSSE envelope signed over the pre-authentication encoding, as cosign writes it."""
    payload = json.dumps(document).encode()
    encoded = b"DSSEv1 %d %s %d %s" % (len(IN_TOTO), IN_TOTO.encode(), len(payload), payload)
    signature = key.sign(encoded, ec.ECDSA(hashes.SHA256()))
    return json.dumps({"payloadType": IN_TOTO, "payload": base64.b64encode(payload).decode(),
                       "signatures": [{"keyid": "", "sig": base64.b64encode(signature).decode()}]}).encode()
