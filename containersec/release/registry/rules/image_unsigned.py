from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import AttachedFacts


@rule(id="CSR020", slug="image-unsigned", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="Images are signed",
      why="Without a signature a deployment cannot tell the image CI built from one pushed with a leaked "
          "token. Sign with cosign or Notation; with `registry.cosign-public-key` set, only a signature that "
          "verifies with that key counts.",
      bad="no sha256-<hex>.sig tag and no signature referrer", good="cosign sign --key cosign.key app@sha256:...",
      notes="Looks for cosign's `sha256-<hex>.sig` tag and OCI 1.1 referrers of cosign, Sigstore bundle or "
            "Notation types (the referrers API first, else the referrers tag schema).")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if not isinstance(subject, AttachedFacts):
        return
    if not subject.attached.signatures:
        yield Hit(f"{subject.locator.shown} has no signature (no cosign .sig tag, no signature referrer)", 1)
    elif subject.key_configured and not subject.verified_signatures and not subject.signature_problems:
        yield Hit(f"{subject.locator.shown} has signatures ({', '.join(subject.attached.signatures)}) but none "
                  "that the configured cosign public key can verify", 1)
