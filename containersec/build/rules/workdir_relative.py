from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.words import unquote
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_ABSOLUTE = LazyPattern(r"[/$]|[A-Za-z]:(?:[\\/]|$)|\\\\")


@rule(id="CSD019", slug="workdir-relative", severity=Severity.ERROR,
      aliases=("DL3000", "CKV_DOCKER_10", "DS009"),
      summary="WORKDIR is a relative path",
      why="A relative WORKDIR is resolved against the previous one, often the base image's, so the "
          "directory depends on something the Dockerfile does not show.",
      bad="WORKDIR app",
      good="WORKDIR /app",
      notes="Quotes are removed first; paths starting with a variable and Windows paths (`C:\\app`) are "
            "accepted, as in the peers. Under `# escape=`` (backtick) a backslash is a path character, so "
            "`WORKDIR C:\\app` stays absolute.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("WORKDIR", onbuild=True):
        path = unquote(instruction.value, instruction.escape)
        if path and not _ABSOLUTE.match(path):
            yield Hit(f"WORKDIR {path!r} is relative to the previous working directory: write the absolute "
                      "path", instruction.line)
