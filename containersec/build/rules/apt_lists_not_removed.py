from bisect import bisect_right
from collections.abc import Iterator

from containersec.build.rules._packages import (
    APT,
    APTITUDE,
    line_offset,
    removes,
    run_invocations,
    subcommand,
    uncleaned,
)
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command
from containersec.findings import Edit, Severity
from containersec.patterns import LazyPattern

_LISTS = "/var/lib/apt/lists"
# Subcommands that read the package lists.
_NEEDS_LISTS = frozenset({"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade",
                          "build-dep", "source", "download", "satisfy"})
_CLEANUP = " && rm -rf /var/lib/apt/lists/*"
# Anything but commands joined by `&&`: the appended clean-up would not run after all of them.
_NOT_A_PLAIN_CHAIN = LazyPattern(r"[;|&(){}#`<>\n]")


def _triggers(command: Command) -> bool:
    # Only `update` writes the lists (as hadolint's DL3009 reads it); an install after it only reads them, so
    # `RUN apt-get update` then `RUN apt-get install` is one finding, on the update.
    return subcommand(command, APT) == "update"


def _cleans(command: Command) -> bool:
    if APT.matches(command.name) and subcommand(command, APT) == "dist-clean":
        return True  # apt >= 2.9 removes the lists as well as the archives
    return removes(command, _LISTS) or (command.name == "rm" and any(
        w.text.rstrip("/") in ("/var/lib/apt", "/var/lib/apt/*") for w in command.args))


def _first_use(instruction: Instruction) -> bool | None:
    """True when a RUN's first apt use reads the lists, False when it updates them, None: no such use."""
    if instruction.keyword != "RUN":
        return None
    for command in run_invocations(instruction, APT) + run_invocations(instruction, APTITUDE):
        if subcommand(command, APT) == "update":
            return False
        if subcommand(command, APT) in _NEEDS_LISTS:
            return True
    return None


class _ListsNeededLater:
    """Whether a later RUN of a stage, or of a stage built on it, uses apt before updating the lists itself:
    removing them would make that RUN fail (`RUN apt-get update` then `RUN apt-get install`). A later RUN of
    the stage that updates first refreshes the lists for everything after it.

    Worked out once per file, in one pass over the stages from the last: asking each flagged RUN to look at
    every later instruction made a file of n RUNs cost n² (8,000 RUNs took 331 s).
    """

    def __init__(self, dockerfile: Dockerfile) -> None:
        # id(stage) -> lines and first uses of its RUNs that use apt, in the order the build runs them
        self._uses: dict[int, tuple[list[int], list[bool]]] = {}
        self._descendants: dict[int, bool] = {}  # id(stage) -> a stage built on it reads the lists first
        for stage in reversed(dockerfile.stages):
            uses = [(i.line, use) for i in stage.executed() if (use := _first_use(i)) is not None]
            self._uses[id(stage)] = ([line for line, _ in uses], [use for _, use in uses])
            self._descendants.setdefault(id(stage), False)
            if stage.parent is not None:
                reads_first = bool(uses) and uses[0][1]
                self._descendants[id(stage.parent)] = (self._descendants.get(id(stage.parent), False)
                                                       or reads_first or self._descendants[id(stage)])

    def __call__(self, run: Instruction) -> bool:
        stage = run.stage
        if stage is None or id(stage) not in self._uses:
            return True
        lines, uses = self._uses[id(stage)]
        after = bisect_right(lines, run.line)
        if after < len(lines):
            return uses[after]
        return self._descendants[id(stage)]


def _fix(dockerfile: Dockerfile, run: Instruction, needed_later: _ListsNeededLater) -> tuple[Edit, ...]:
    if run.exec_form is not None or run.heredocs or run.inner is not None or needed_later(run):
        return ()
    if _NOT_A_PLAIN_CHAIN.search(run.value.replace("&&", "")):
        return ()
    last = dockerfile.lines[run.end_line - 1]
    content = last.rstrip()
    if content.endswith("\\") or not content:
        return ()
    offset = line_offset(dockerfile, run.end_line) + len(content)
    return (Edit(offset, offset, _CLEANUP),)


@rule(id="CSD047", slug="apt-lists-not-removed", severity=Severity.INFO,
      aliases=("DL3009", "DKL-DI-0005"),
      summary="Remove the apt lists in the RUN that downloads them",
      why="`apt-get update` stores tens of megabytes of package lists under /var/lib/apt/lists; unless the "
          "same RUN deletes them they stay in a layer of the image for good.",
      bad="RUN apt-get update && apt-get install -y curl",
      good="RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
      fixable=True,
      notes="Reported on the `apt-get update` that writes the lists (a RUN that only installs writes none). "
            "Satisfied by an `rm` of /var/lib/apt/lists (or `apt-get dist-clean`, apt 2.9+) after the last "
            "apt-get update of the RUN, or "
            "by a cache or tmpfs mount on /var/lib/apt or /var/lib/apt/lists. Only stages whose layers end "
            "up in the final image (the final stage and the stages it is built FROM) are checked: a builder "
            "stage that is only copied from adds nothing to the image, which hadolint DL3009 flags anyway. "
            "The fix appends ` && rm -rf /var/lib/apt/lists/*` to a RUN that is a plain `&&` chain, unless a "
            "later RUN of the stage (or of a stage built on it) installs without its own `apt-get update`: "
            "that RUN needs the lists, so the finding stays without a fix (merge the RUNs instead).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    needed_later = None
    for run, command in uncleaned(dockerfile, APT, _triggers, _cleans, ("/var/lib/apt", _LISTS)):
        needed_later = needed_later or _ListsNeededLater(dockerfile)
        yield Hit(f"'{command.name} {subcommand(command, APT)}' leaves the apt lists in the layer: end the RUN "
                  "with 'rm -rf /var/lib/apt/lists/*' or use a cache mount", command.line,
                  column=command.column, edits=_fix(dockerfile, run, needed_later))
