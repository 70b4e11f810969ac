import posixpath
from collections.abc import Iterator

from containersec.build.rules._images import copy_arguments
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD018", slug="copy-whole-filesystem", severity=Severity.WARNING, aliases=("DL3067",),
      summary="COPY --from copies a whole filesystem over /",
      why="Copying `/` of another stage onto `/` overwrites the base image's files (passwd, libraries, "
          "package database) with another image's, an inconsistent result that is hard to debug. Copy "
          "the paths you need.",
      bad="COPY --from=build / /",
      good="COPY --from=build /app/bin /usr/local/bin",
      notes="Like hadolint, only a root source copied to the root is flagged; `/` into a subdirectory "
            "(assembling a rootfs) is fine.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("COPY"):
        source_stage = instruction.flag("from")
        arguments = copy_arguments(instruction)
        if source_stage is None or len(arguments) < 2:
            continue
        if posixpath.normpath(arguments[-1]) == "/" and any(posixpath.normpath(a) == "/" for a in arguments[:-1]):
            yield Hit(f"COPY --from={source_stage} / / copies a whole filesystem over this one: copy only the "
                      "paths you need", instruction.line)
