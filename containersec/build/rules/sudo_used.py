from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD080", slug="sudo-used", severity=Severity.ERROR,
      aliases=("DL3004", "CKV2_DOCKER_1", "DS010", "DKL-DI-0001"),
      summary="Do not use sudo in RUN",
      why="Build steps already run as the current USER; sudo adds a setuid binary to the image, has "
          "unpredictable TTY and signal behaviour, and hides which steps really need root. Switch with "
          "USER instead.",
      bad="RUN sudo apt-get install -y curl",
      good="USER root\nRUN apt-get install -y curl\nUSER app",
      notes="Only `sudo` as a command word counts (after `|`, `;`, `&&`, inside `sh -c` and `$(...)`); "
            "installing a package named sudo is not flagged, unlike Checkov CKV2_DOCKER_1.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in dockerfile.commands("sudo"):
        yield Hit("sudo used as a command: switch user with USER instead", command.line, column=command.column)
