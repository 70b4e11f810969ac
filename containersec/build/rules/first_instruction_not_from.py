from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD034", slug="first-instruction-not-from", severity=Severity.ERROR, aliases=("DL3061",),
      summary="The first instruction is not FROM or ARG",
      why="A Dockerfile must start with FROM (optionally after global ARGs); anything else fails the build.",
      bad="RUN apk add curl\nFROM alpine:3.19",
      good="ARG VERSION=3.19\nFROM alpine:${VERSION}")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            return
        if instruction.keyword != "ARG":
            yield Hit(f"{instruction.keyword} comes before the first FROM: only ARG may precede FROM",
                      instruction.line)
            return
