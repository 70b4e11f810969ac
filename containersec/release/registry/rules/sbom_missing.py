from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import AttachedFacts


@rule(id="CSR022", slug="sbom-missing", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="Images have an SBOM attached",
      why="An SBOM lets you answer \"are we affected?\" for the next CVE from the registry, without pulling "
          "and scanning every image again.",
      bad="no SBOM referrer, no .att/.sbom tag, no BuildKit attestation",
      good="docker buildx build --sbom=true, or cosign attest --type spdxjson",
      notes="Counts SPDX, CycloneDX and Syft referrers, cosign `.sbom` and `.att` tags, and BuildKit attestation "
            "manifests inside an index. For an index, each platform needs one unless the index has its own.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, AttachedFacts) and (message := subject.lacking("sbom", "SBOM")):
        yield Hit(message, 1)
