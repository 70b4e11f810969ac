from collections.abc import Iterator

from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_QUIET = frozenset({"-nv", "--no-verbose", "--quiet", "--output-file", "--append-output"})
_SHORT_WITH_VALUE = frozenset("OoaiPtTwUeBQlAR")


def _quiet(command: Command) -> bool:
    for option in command.options():
        name = option.split("=", 1)[0]
        if name in _QUIET or name == "--progress":
            return True
        if option.startswith("--"):
            continue
        for letter in option[1:]:
            if letter in "qoa":  # quiet, or the log goes to a file
                return True
            if letter in _SHORT_WITH_VALUE or not letter.isalpha():
                break
    return False


@rule(id="CSD067", slug="wget-no-progress", severity=Severity.INFO,
      aliases=("DL3047",),
      summary="Use wget --progress=dot:giga (or -q/-nv) in builds",
      why="Without a terminal wget prints a progress dot line for every few kilobytes, so one large "
          "download floods the build log with thousands of lines.",
      bad="RUN wget https://example.com/big.tar.gz",
      good="RUN wget --progress=dot:giga https://example.com/big.tar.gz",
      notes="--progress, -q/--quiet, -nv/--no-verbose and -o/-a (log to a file) count, also inside short "
            "clusters like -qO-.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in dockerfile.commands("wget"):
        if not _quiet(command):
            yield Hit("'wget' without --progress floods the build log: add --progress=dot:giga or -nv",
                      command.line, column=command.column)
