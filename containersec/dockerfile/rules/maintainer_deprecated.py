from collections.abc import Iterator

from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.registry import Hit, RuleOptions, rule


@rule(id="CSD030", slug="maintainer-deprecated", severity=Severity.WARNING,
      aliases=("DL4000", "CKV_DOCKER_6", "DS022"),
      summary="MAINTAINER is deprecated; use a LABEL",
      why="MAINTAINER was deprecated in Docker 1.13 and is not visible to tools that read OCI labels; "
          "`org.opencontainers.image.authors` is the standard place for the author.",
      bad="MAINTAINER Jane Doe <jane@example.com>",
      good='LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"')
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for instruction in dockerfile.all("MAINTAINER", onbuild=True):
        yield Hit("MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=...", instruction.line)
