from collections.abc import Iterator

from containersec.build.rules._images import repeated
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD025", slug="multiple-healthchecks", severity=Severity.WARNING, aliases=("DL3012", "DS023"),
      summary="More than one HEALTHCHECK in a stage",
      why="Only the last HEALTHCHECK of a stage takes effect; the earlier ones are dead code that misleads "
          "readers about what the image does.",
      bad='HEALTHCHECK CMD curl -f http://localhost/\nHEALTHCHECK CMD wget -qO- http://localhost/',
      good='HEALTHCHECK CMD curl -f http://localhost/ || exit 1',
      notes="Counted per stage (a HEALTHCHECK in a builder stage and one in the final stage are fine).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from repeated(dockerfile, "HEALTHCHECK")
