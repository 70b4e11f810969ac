from collections.abc import Iterator

from containersec.build.rules._images import resolve
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.variables import has_variable
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_IMAGE_MARKS = LazyPattern(r"[:@/]")


@rule(id="CSD011", slug="copy-from-unknown-stage", severity=Severity.WARNING, aliases=("DL3022",),
      summary="COPY --from names no earlier stage",
      why="A name that is not an earlier stage is pulled as an image from Docker Hub: a typo in a stage "
          "name silently copies files from a stranger's image (or fails the build).",
      bad="FROM golang:1.22 AS build\nFROM alpine:3.19\nCOPY --from=biuld /app /app",
      good="FROM golang:1.22 AS build\nFROM alpine:3.19\nCOPY --from=build /app /app",
      notes="Earlier stage names (case-insensitive) and indexes are fine; a reference with `:`, `@` or "
            "`/` is taken as an external image, as in hadolint. A bare word that is no earlier stage is "
            "flagged (hadolint #859); a stage defined later gets its own message. ARG defaults are "
            "substituted; a value that stays a variable is skipped.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("COPY"):
        stage = instruction.stage
        written = instruction.flag("from")
        if stage is None or not written:
            continue
        source = resolve(dockerfile, written.strip("\"'"), stage)
        if has_variable(source) or _IMAGE_MARKS.search(source):
            continue
        if dockerfile.stage_named(source, before=stage.index) is not None:
            continue
        if (stage.name is not None and source.lower() == stage.name.lower()) or source == str(stage.number):
            continue  # the current stage: copy-from-current-stage
        later = dockerfile.stage_named(source)
        if later is not None:
            yield Hit(f"COPY --from={written} refers to the stage on line {later.line}, which comes later: "
                      "move that stage before this one", instruction.line)
        elif source.isdigit():
            yield Hit(f"COPY --from={written}: there is no stage {source}", instruction.line)
        else:
            yield Hit(f"COPY --from={written} is not an earlier stage and would be pulled as the image "
                      f"'docker.io/library/{source}': fix the stage name, or write the image with a tag",
                      instruction.line)
