from collections.abc import Iterator

from containersec.build.rules._images import repeated
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD026", slug="multiple-cmd", severity=Severity.WARNING, aliases=("DL4003", "DS016"),
      summary="More than one CMD in a stage",
      why="Only the last CMD of a stage takes effect; the earlier ones are dead code that misleads "
          "readers about what the image does.",
      bad='CMD ["nginx"]\nCMD ["nginx", "-g", "daemon off;"]',
      good='CMD ["nginx", "-g", "daemon off;"]',
      notes="Counted per stage (a CMD in a builder stage and one in the final stage are fine).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from repeated(dockerfile, "CMD")
