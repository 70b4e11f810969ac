from collections.abc import Iterator

from containersec.build.rules._images import repeated
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD027", slug="multiple-entrypoint", severity=Severity.ERROR, aliases=("DL4004", "DS007"),
      summary="More than one ENTRYPOINT in a stage",
      why="Only the last ENTRYPOINT of a stage takes effect; the earlier ones are dead code that misleads "
          "readers about what the image does.",
      bad='ENTRYPOINT ["/docker-entrypoint.sh"]\nENTRYPOINT ["/entrypoint.sh"]',
      good='ENTRYPOINT ["/entrypoint.sh"]',
      notes="Counted per stage (a ENTRYPOINT in a builder stage and one in the final stage are fine).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from repeated(dockerfile, "ENTRYPOINT")
