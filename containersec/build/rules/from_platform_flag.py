from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.variables import has_variable
from containersec.findings import Severity


@rule(id="CSD007", slug="from-platform-flag", severity=Severity.WARNING, aliases=("DL3029",),
      summary="FROM pins a fixed --platform",
      why="A hard-coded platform makes multi-platform builds produce the wrong architecture (or emulate "
          "it slowly). Let the builder choose, or use `$BUILDPLATFORM` for cross-compiling stages.",
      bad="FROM --platform=linux/amd64 golang:1.22",
      good="FROM --platform=$BUILDPLATFORM golang:1.22 AS build",
      notes="Like hadolint, a platform given as a variable (`$BUILDPLATFORM`, an ARG) is accepted.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        platform = stage.platform
        if platform and not has_variable(platform):
            yield Hit(f"FROM --platform={platform} fixes the architecture: drop it or use $BUILDPLATFORM "
                      "for build stages", stage.line)
