from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import ScanFacts


@rule(id="CSR041", slug="image-not-scanned", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="Every image in the registry has a vulnerability scan",
      why="An image nobody scanned is not clean, its vulnerabilities are unknown. Attach the scan "
          "(`trivy image --format cosign-vuln` and `cosign attest --type vuln`), keep the pipeline's reports "
          "for `--scan-reports`, or let the audit run a scanner (`--scanner trivy`).",
      bad="app:1.0.0: no vulnerability attestation, no report names its digest",
      good="cosign attest --type vuln --predicate scan.json app@sha256:...")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, ScanFacts) and subject.source is None:
        tried = "; ".join(subject.sources_tried)
        yield Hit(f"{subject.locator.shown} has no vulnerability scan ({tried}): its vulnerabilities are "
                  "unknown", 1)
