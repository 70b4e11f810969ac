from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity

_NOT_ALLOWED = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


@rule(id="CSD031", slug="onbuild-invalid", severity=Severity.ERROR, aliases=("DL3043",),
      summary="ONBUILD wraps ONBUILD, FROM or MAINTAINER",
      why="Docker does not allow chaining ONBUILD or triggering FROM/MAINTAINER from a child build; the "
          "child build fails when it runs the trigger.",
      bad="ONBUILD FROM alpine:3.19",
      good="ONBUILD RUN make")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("ONBUILD"):
        inner = instruction.inner
        if inner is not None and inner.keyword in _NOT_ALLOWED:
            yield Hit(f"ONBUILD {inner.keyword} is not allowed: child builds would fail on this trigger",
                      instruction.line)
