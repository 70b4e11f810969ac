from collections.abc import Iterator

from containersec.build.rules._packages import APT, APTITUDE, apt_setting, missing_yes_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_PROMPTING = frozenset({"install", "reinstall", "remove", "purge", "autoremove", "upgrade", "dist-upgrade",
                        "full-upgrade", "build-dep"})
_APTITUDE_PROMPTING = frozenset({"install", "reinstall", "remove", "purge", "safe-upgrade", "full-upgrade",
                                 "build-dep"})
_TRUE = frozenset({"1", "true", "yes"})


def _quiet_level(command: Command) -> int:
    """apt's quiet level: every -q adds one (`-qq`, `-q -q`, `--quiet --quiet`); `-q=N` sets it."""
    level = 0
    for option in command.options():
        if option.startswith(("--quiet=", "-q=")):
            value = option.split("=", 1)[1]
            level = int(value) if value.isdigit() else level
        elif option == "--quiet":
            level += 1
        elif not option.startswith("--") and option[1:].isalpha():
            level += option.count("q")
    return level


def _answered(command: Command) -> bool:
    return (command.has_option("-y", "--yes", "--assume-yes") or _quiet_level(command) >= 2
            or apt_setting(command, "APT::Get::Assume-Yes") in _TRUE)


@rule(id="CSD042", slug="apt-get-missing-yes", severity=Severity.WARNING,
      aliases=("DL3014", "DS021"),
      summary="Use -y with apt-get install",
      why="A build has no terminal: without -y apt-get asks for confirmation, reads end-of-file and aborts "
          "with 'Abort.', failing the build as soon as an install needs more than the named packages.",
      bad="RUN apt-get update && apt-get install curl",
      good="RUN apt-get update && apt-get install -y curl",
      fixable=True,
      notes="-y, --yes, --assume-yes, -qq or -q -q (quiet level 2 implies yes), "
            "`-o APT::Get::Assume-Yes=true` and a `yes |` pipe count, also inside clusters like -qy. Covers "
            "`apt` and `aptitude` as well as `apt-get`, and every subcommand that prompts (remove, purge, "
            "upgrade, ...), not only install as hadolint DL3014. The fix inserts ` -y` after the subcommand.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from missing_yes_hits(dockerfile, APT, _PROMPTING, _answered)
    yield from missing_yes_hits(dockerfile, APTITUDE, _APTITUDE_PROMPTING, _answered)
