from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import AttachedFacts


@rule(id="CSR023", slug="provenance-missing", severity=Severity.INFO, stage=Stage.RELEASE,
      summary="Images have build provenance attached",
      why="Provenance (SLSA, in-toto) records which source, builder and parameters produced the image, so a "
          "deployment policy can require images built by CI from the main branch.",
      bad="no in-toto referrer, no .att tag, no BuildKit provenance",
      good="docker buildx build --provenance=mode=max, or cosign attest --type slsaprovenance",
      notes="cosign `.att` tags are counted as both SBOM and provenance: their predicate type is inside the "
            "envelope, which is not pulled.")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, AttachedFacts) and (message := subject.lacking("provenance", "provenance")):
        yield Hit(message, 1)
