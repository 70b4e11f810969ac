from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import AttachedFacts


@rule(id="CSR021", slug="signature-invalid", severity=Severity.ERROR, stage=Stage.RELEASE,
      summary="A signature does not verify with the configured cosign key",
      why="A signature that fails verification, or that signs another digest, is a sign of tampering or of a "
          "signing mistake; it must never count as signed.",
      bad="sha256-<hex>.sig signed by another key", good="cosign verify --key cosign.pub app@sha256:... succeeds",
      notes="Only with `registry.cosign-public-key` (an ECDSA P-256 PEM key, as `cosign generate-key-pair` "
            "writes). Reported even when another signature verifies.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, AttachedFacts):
        for problem in subject.signature_problems:
            yield Hit(f"{subject.locator.shown}: invalid signature: {problem}", 1)
