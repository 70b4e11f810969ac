import re
from collections.abc import Iterator

from containersec.build.model import Dockerfile
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_PRAGMA = LazyPattern(r"#\s*(?:containersec\s*:\s*ignore|hadolint\s+(?:(?:global|stage)\s+)?ignore\s*=)"
                     r"|(?:checkov|bridgecrew):skip=|trivy:ignore:", re.IGNORECASE)


@rule(id="CSD039", slug="ignore-pragma-used", severity=Severity.INFO, aliases=("DL1001",),
      summary="An inline ignore pragma is used",
      why="For teams that require every exception to go through the shared configuration (reviewed "
          "centrally) rather than comments in each Dockerfile.",
      bad="# hadolint ignore=DL3008\nRUN apt-get install -y curl",
      good="RUN apt-get install -y curl=8.5.0-2",
      enabled=False,
      notes="Off by default, as in hadolint. Reports containersec's own pragmas and the hadolint, "
            "Checkov and Trivy forms it honours.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for line, text in dockerfile.comments:
        match = _PRAGMA.search(text)
        if match is not None:
            yield Hit(f"inline ignore pragma {match[0].lstrip('#').strip()!r}: move the exception to the "
                      "configuration file", line)
