from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_TARGET_PLATFORM = LazyPattern(r"\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})")


@rule(id="CSD008", slug="from-platform-redundant", severity=Severity.WARNING, aliases=("DL3065",),
      summary="FROM --platform=$TARGETPLATFORM is redundant",
      why="The target platform is already the default for FROM; spelling it out adds noise and suggests "
          "it changes something.",
      bad="FROM --platform=$TARGETPLATFORM alpine:3.19",
      good="FROM alpine:3.19")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        platform = stage.platform
        if platform and _TARGET_PLATFORM.fullmatch(platform.strip("\"'")):
            yield Hit("FROM --platform=$TARGETPLATFORM is the default: remove the flag", stage.line)
