from collections.abc import Iterator

from containersec.build.rules._packages import APT, invocations, subcommand
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD056", slug="apt-dist-upgrade", severity=Severity.INFO,
      aliases=("DS024", "DKL-DI-0003"),
      summary="Do not use apt-get dist-upgrade",
      why="`dist-upgrade` (`full-upgrade`) may add and remove packages to resolve new dependencies, so the "
          "same Dockerfile builds a different system from one day to the next. Rebuild on a newer base "
          "image, or use `apt-get upgrade` for security updates.",
      bad="RUN apt-get update && apt-get dist-upgrade -y",
      good="FROM debian:12.5\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*",
      notes="Covers `dist-upgrade` and its newer name `full-upgrade`, with apt-get and apt. A plain "
            "`upgrade` is not flagged (hadolint dropped DL3005 for that reason).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in invocations(dockerfile, APT):
        action = subcommand(command, APT)
        if action in ("dist-upgrade", "full-upgrade"):
            yield Hit(f"'{command.name} {action}' may change the distribution's package set: use a newer base "
                      "image or 'apt-get upgrade'", command.line, column=command.column)
