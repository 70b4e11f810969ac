from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.suppress import is_pragma


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
        if is_pragma(text):
            yield Hit(f"inline ignore pragma {text.lstrip('#').strip()!r}: move the exception to the "
                      "configuration file", line)
