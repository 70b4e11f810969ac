from collections.abc import Iterator

from containersec.build.rules._images import copy_arguments, resolve
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.variables import has_variable
from containersec.findings import Severity


@rule(id="CSD016", slug="copy-multiple-sources-dest-not-dir", severity=Severity.ERROR,
      aliases=("DL3021", "DS011"),
      summary="COPY/ADD of several sources to a destination without a trailing /",
      why="With more than one source the destination must be a directory, written with a trailing `/`; "
          "otherwise the build fails.",
      bad="COPY package.json yarn.lock /app",
      good="COPY package.json yarn.lock /app/",
      notes="ADD is checked as well as COPY. A destination that is a variable after ARG/ENV "
            "substitution is not judged (it may end in `/`).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for keyword in ("COPY", "ADD"):
        for instruction in dockerfile.all(keyword, onbuild=True):
            arguments = copy_arguments(instruction)
            if len(arguments) < 3:
                continue
            destination = resolve(dockerfile, arguments[-1], instruction.stage)
            if has_variable(destination) or destination.endswith(("/", "\\")):
                continue
            yield Hit(f"{keyword} has {len(arguments) - 1} sources, so the destination {arguments[-1]!r} must "
                      f"be a directory: write it as {arguments[-1]}/", instruction.line)
