from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD009", slug="duplicate-stage-name", severity=Severity.ERROR,
      aliases=("DL3024", "CKV_DOCKER_11", "DS012"),
      summary="Two stages share one name",
      why="`FROM x` and `COPY --from=x` then refer to an ambiguous stage; BuildKit rejects the file.",
      bad="FROM golang:1.22 AS build\nFROM node:20 AS build",
      good="FROM golang:1.22 AS build-go\nFROM node:20 AS build-web",
      notes="Names are compared case-insensitively, as BuildKit does (Checkov compares only lowercase "
            "`as` aliases, case-sensitively).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for stage in dockerfile.stages:
        if stage.name is None:
            continue
        key = stage.name.lower()
        if key in seen:
            yield Hit(f"stage name {stage.name!r} is already used by the stage on line {seen[key]}: rename one",
                      stage.line)
        else:
            seen[key] = stage.line
