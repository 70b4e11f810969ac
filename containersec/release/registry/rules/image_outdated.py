from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity, Stage
from containersec.release.registry.facts import ImageFacts


@rule(id="CSR010", slug="image-outdated", severity=Severity.WARNING, stage=Stage.RELEASE,
      summary="Images are rebuilt within the patch window",
      why="An image keeps the packages it was built with: one built a year ago carries a year of unpatched "
          "vulnerabilities, whatever its base image has fixed since. Rebuild at least every "
          "`registry.patch-window-days` (90 by default).",
      bad="created 2023-01-05T10:00:00Z (700 days ago)", good="created 12 days ago",
      notes="Age comes from the config's `created`, else the `org.opencontainers.image.created` annotation. "
            "Epoch placeholders (1970-01-01, 0001-01-01) of reproducible builds are unknown ages (CSR011).")
def check(subject: object, options: RuleOptions) -> Iterator[Hit]:
    if isinstance(subject, ImageFacts) and subject.created is not None:
        age = (subject.now - subject.created).days
        if age > subject.patch_window_days:
            yield Hit(f"{subject.locator.shown} was built {age} days ago ({subject.created_text}), more than the "
                      f"{subject.patch_window_days}-day patch window: rebuild it", 1)
