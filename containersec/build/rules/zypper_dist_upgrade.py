from collections.abc import Iterator

from containersec.build.rules._packages import ZYPPER, invocations, subcommand
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD055", slug="zypper-dist-upgrade", severity=Severity.WARNING,
      aliases=("DL3035",),
      summary="Do not use zypper dist-upgrade",
      why="`zypper dist-upgrade` can move the whole distribution to a new release with different packages "
          "and vendors, so the same Dockerfile builds a different system from one day to the next. Pick a "
          "newer base image instead.",
      bad="RUN zypper -n dist-upgrade",
      good="FROM opensuse/leap:15.6\nRUN zypper -n patch && zypper clean --all")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in invocations(dockerfile, ZYPPER):
        action = subcommand(command, ZYPPER)
        if action in ("dist-upgrade", "dup"):
            yield Hit(f"'zypper {action}' upgrades the whole distribution: use a newer base image instead",
                      command.line, column=command.column)
