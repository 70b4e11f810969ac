from collections.abc import Iterator

from containersec.build.rules._tls import commands
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD092", slug="chpasswd-used", severity=Severity.WARNING, aliases=("CKV2_DOCKER_17",),
      summary="Do not set passwords with chpasswd in the image",
      why="A password set at build time is the same in every container started from the image, its hash "
          "ships in /etc/shadow, and when it is written in the RUN line it is also readable in the image "
          "history. Containers should not need login passwords; if one is needed, set it at run time.",
      bad="RUN echo 'app:changeme' | chpasswd",
      good="RUN useradd --create-home --shell /usr/sbin/nologin app",
      notes="Only chpasswd as a command word (behind sudo, in `sh -c` and heredocs too), unlike Checkov's "
            "text match. A password read from a secret mount is still flagged: its hash stays in the image.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in commands(dockerfile, "chpasswd"):
        yield Hit("chpasswd sets a password that every container of this image shares: drop it, or set the "
                  "password when the container starts", command.line, column=command.column)
