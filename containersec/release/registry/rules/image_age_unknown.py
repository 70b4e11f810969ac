from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import ImageFacts


@rule(id="CSR011", slug="image-age-unknown", severity=Severity.INFO, stage=Stage.RELEASE,
      summary="The image's build time is unknown",
      why="Reproducible builds (ko, bazel, distroless) write 1970-01-01 as `created`; without a real date "
          "the patch window cannot be checked. Set `org.opencontainers.image.created` on the manifest.",
      bad='"created": "1970-01-01T00:00:00Z"', good='"org.opencontainers.image.created": "2026-11-30T08:00:00Z"')
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, ImageFacts) and subject.created is None:
        what = f"created is {subject.created_text!r}" if subject.created_text else "there is no created time"
        yield Hit(f"{subject.locator.shown}: age unknown ({what}); the patch window cannot be checked", 1)
