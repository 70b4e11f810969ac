from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD010", slug="copy-from-current-stage", severity=Severity.ERROR, aliases=("DL3023", "DS006"),
      summary="COPY --from names the stage it is in",
      why="A stage cannot copy from itself: the build fails (or, with a same-named image, silently pulls "
          "something else). Copy from the stage that produced the files.",
      bad="FROM alpine:3.19 AS app\nCOPY --from=app /x /x",
      good="FROM alpine:3.19 AS build\nRUN make\nFROM alpine:3.19 AS app\nCOPY --from=build /x /x",
      notes="Compared case-insensitively; the stage's own index (`--from=1` in the second stage) counts too.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("COPY"):
        stage = instruction.stage
        source = instruction.flag("from")
        if stage is None or not source:
            continue
        source = source.strip("\"'")
        if (stage.name is not None and source.lower() == stage.name.lower()) or source == str(stage.number):
            yield Hit(f"COPY --from={source} refers to the stage it is in: copy from an earlier stage",
                      instruction.line)
