from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_RESERVED = frozenset({"scratch", "context"})


@rule(id="CSD012", slug="reserved-stage-name", severity=Severity.WARNING, aliases=("DL3063",),
      summary="Stage name is a reserved word",
      why="`scratch` is the empty image and `context` names the build context in `--from`; a stage "
          "called either is ambiguous and BuildKit rejects or misreads it.",
      bad="FROM alpine:3.19 AS scratch",
      good="FROM alpine:3.19 AS base")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        if stage.name is not None and stage.name.lower() in _RESERVED:
            yield Hit(f"stage name {stage.name!r} is reserved: choose another name", stage.line)
