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
    return subcommand(command, APT) in ("update", "install")


def _cleans(command: Command) -> bool:
    if APT.matches(command.name) and subcommand(command, APT) == "dist-clean":
        return True  # apt >= 2.9 removes the lists as well as the archives
    return removes(command, _LISTS) or (command.name == "rm" and any(
        w.text.rstrip("/") in ("/var/lib/apt", "/var/lib/apt/*") for w in command.args))


def _lists_needed_later(dockerfile: Dockerfile, run: Instruction) -> bool:
    """Whether a later RUN of this stage, or of a stage built on it, uses apt before updating the lists
    itself: removing them here would make that RUN fail (`RUN apt-get update` then `RUN apt-get install`)."""
    stage = run.stage
    if stage is None:
        return True
    later = [i for i in stage.executed() if i.line > run.line]
    later += [i for child in dockerfile.built_on(stage) for i in child.executed()]
    for instruction in later:
        if instruction.keyword != "RUN":
            continue
        for command in run_invocations(instruction, APT) + run_invocations(instruction, APTITUDE):
            if subcommand(command, APT) == "update":
                break
            if subcommand(command, APT) in _NEEDS_LISTS:
                return True
    return False


def _fix(dockerfile: Dockerfile, run: Instruction) -> tuple[Edit, ...]:
    if run.exec_form is not None or run.heredocs or run.inner is not None or _lists_needed_later(dockerfile, run):
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
      notes="Satisfied by an `rm` of /var/lib/apt/lists (or `apt-get dist-clean`, apt 2.9+) after the last "
            "apt-get update/install of the RUN, or "
            "by a cache or tmpfs mount on /var/lib/apt or /var/lib/apt/lists. Only stages whose layers end "
            "up in the final image (the final stage and the stages it is built FROM) are checked: a builder "
            "stage that is only copied from adds nothing to the image, which hadolint DL3009 flags anyway. "
            "The fix appends ` && rm -rf /var/lib/apt/lists/*` to a RUN that is a plain `&&` chain, unless a "
            "later RUN of the stage (or of a stage built on it) installs without its own `apt-get update`: "
            "that RUN needs the lists, so the finding stays without a fix (merge the RUNs instead).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for run, command in uncleaned(dockerfile, APT, _triggers, _cleans, ("/var/lib/apt", _LISTS)):
        yield Hit(f"'{command.name} {subcommand(command, APT)}' leaves the apt lists in the layer: end the RUN "
                  "with 'rm -rf /var/lib/apt/lists/*' or use a cache mount", command.line,
                  column=command.column, edits=_fix(dockerfile, run))
