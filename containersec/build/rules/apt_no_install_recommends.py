from collections.abc import Iterator

from containersec.build.rules._packages import APT, apt_setting, insert_after, invocations, subcommand_word
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_FALSE = frozenset({"0", "false", "no"})


def _without_recommends(command: Command) -> bool:
    return command.has_option("--no-install-recommends") or apt_setting(
        command, "APT::Install-Recommends") in _FALSE


@rule(id="CSD046", slug="apt-no-install-recommends", severity=Severity.INFO,
      aliases=("DL3015", "DS029"),
      summary="Use --no-install-recommends with apt-get install",
      why="By default apt also installs every 'Recommends' package: documentation, GUI helpers and "
          "libraries the image never uses, which add size and attack surface.",
      bad="RUN apt-get install -y curl",
      good="RUN apt-get install -y --no-install-recommends curl",
      fixable=True,
      notes="`-o APT::Install-Recommends=false` (or 0) counts too; `apt install` is checked as well. The fix "
            "inserts ` --no-install-recommends` after `install`.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in invocations(dockerfile, APT):
        word = subcommand_word(command, APT)
        if word is not None and word.text == "install" and not _without_recommends(command):
            yield Hit(f"'{command.name} install' without --no-install-recommends: recommended packages bloat "
                      "the image; add --no-install-recommends", command.line, column=command.column,
                      edits=insert_after(dockerfile, word, " --no-install-recommends"))
