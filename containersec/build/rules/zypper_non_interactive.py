from collections.abc import Iterator

from containersec.build.rules._packages import ZYPPER, missing_yes_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_PROMPTING = frozenset({"install", "in", "remove", "rm", "update", "up", "patch", "dist-upgrade", "dup",
                        "source-install", "si", "install-new-recommends", "inr", "addlock", "al"})


def _answered(command: Command) -> bool:
    return command.has_option("-y", "-n", "--non-interactive", "--no-confirm")


@rule(id="CSD045", slug="zypper-non-interactive", severity=Severity.WARNING,
      aliases=("DL3034",),
      summary="Run zypper non-interactively",
      why="A build has no terminal: without -n/--non-interactive (or -y after the subcommand) zypper waits "
          "for an answer and the build fails.",
      bad="RUN zypper install curl",
      good="RUN zypper --non-interactive install curl=8.0.1 && zypper clean --all",
      fixable=True,
      notes="-y, -n, --non-interactive, --no-confirm and a `yes |` pipe count. The fix inserts ` -y` after "
            "the subcommand.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from missing_yes_hits(dockerfile, ZYPPER, _PROMPTING, _answered)
