from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import ImageFacts


@rule(id="CSR012", slug="base-image-moved", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="The base image's tag names a newer image than the one this image was built on",
      why="When the base tag moves, its maintainers shipped fixes the image does not have yet: a rebuild is "
          "due. Read from the `org.opencontainers.image.base.name` and `base.digest` annotations.",
      bad="base.name debian:12 base.digest sha256:aaa..., debian:12 is now sha256:bbb...",
      good="debian:12 still names the base.digest the image was built on")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if (isinstance(subject, ImageFacts) and subject.base_digest and subject.base_current
            and subject.base_current != subject.base_digest):
        yield Hit(f"{subject.locator.shown} was built on {subject.base_name}@{subject.base_digest}; "
                  f"{subject.base_name} now names {subject.base_current}: rebuild it", 1)
