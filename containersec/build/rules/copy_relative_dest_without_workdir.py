from collections.abc import Iterator

from containersec.build.rules._images import copy_arguments
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_ABSOLUTE = LazyPattern(r"[/$]|[A-Za-z]:[\\/]|\\")


@rule(id="CSD017", slug="copy-relative-dest-without-workdir", severity=Severity.WARNING,
      aliases=("DL3045",),
      summary="COPY to a relative destination before any WORKDIR",
      why="A relative destination lands in the base image's working directory, which you do not "
          "control and which can change with a base image update. Set WORKDIR first or use an "
          "absolute path.",
      bad="FROM node:20\nCOPY package.json .",
      good="FROM node:20\nWORKDIR /app\nCOPY package.json .",
      notes="A WORKDIR in the stage before the COPY, or in any stage it is built FROM, counts (as in "
            "hadolint). ADD is checked too. Destinations starting with a variable are not judged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        has_workdir = any(s.all("WORKDIR") for s in stage.ancestry() if s is not stage)
        for instruction in stage.instructions:
            keyword = instruction.keyword
            if keyword == "WORKDIR":
                has_workdir = True
            elif keyword in ("COPY", "ADD") and not has_workdir:
                arguments = copy_arguments(instruction)
                if len(arguments) >= 2 and not _ABSOLUTE.match(arguments[-1]):
                    yield Hit(f"{keyword} to relative {arguments[-1]!r} with no WORKDIR set: add a WORKDIR "
                              "before it or use an absolute destination", instruction.line)
