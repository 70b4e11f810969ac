from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import ScanFacts


@rule(id="CSR042", slug="scan-outdated", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="Images are scanned again against today's vulnerability data",
      why="A scan is true on the day it ran: vulnerabilities published since are not in it. Scan each digest "
          "again at least every `registry.max-scan-age-days` (7 by default), as continuous scanning in ECR, "
          "Harbor and Artifact Analysis does.",
      bad="the newest scan of app:1.0.0 finished 40 days ago",
      good="a scheduled audit with --scanner trivy, or a nightly job that attests a fresh scan",
      notes="The scan time is the attestation's `metadata.scanFinishedOn`, the report's own time (Trivy "
            "`CreatedAt`, Grype `descriptor.timestamp`, SARIF `endTimeUtc`) or when the audit ran the scanner. "
            "A scan without a time counts as outdated.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if not isinstance(subject, ScanFacts) or subject.source is None:
        return
    age = subject.age_days
    if age is None:
        yield Hit(f"{subject.locator.shown}: the scan ({subject.where}) does not say when it ran; scan again", 1)
    elif age > subject.max_age_days:
        yield Hit(f"{subject.locator.shown}: the newest scan ({subject.where}) finished {age} days ago "
                  f"({subject.scanned_at:%Y-%m-%d}), more than the {subject.max_age_days}-day maximum scan age: "
                  "scan again", 1)
