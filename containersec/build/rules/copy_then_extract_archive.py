from collections.abc import Iterator

from containersec.build.rules._images import copy_arguments, is_tar_archive
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.shell import Command
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_SEPARATORS = LazyPattern(r"[/\\]")


@rule(id="CSD015", slug="copy-then-extract-archive", severity=Severity.INFO, aliases=("DL3010",),
      summary="Local archive copied and then extracted; ADD extracts it in one layer",
      why="COPY then `tar -x` stores the archive in one layer and its contents in another, so the image "
          "carries both. `ADD archive.tar.gz /dest/` unpacks it directly.",
      bad="COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt",
      good="ADD app.tar.gz /opt/",
      notes="Only tar archives ADD can unpack (plain, gzip, bzip2, xz), copied from the build context "
            "and extracted by `tar` (`-x`, `x...` or `--extract`) in a later RUN of the same stage, under "
            "the name the COPY gives it (`COPY app.tgz /tmp/pkg.tgz`), POSIX or Windows paths. ONBUILD COPY "
            "and RUN count in the stages built FROM their stage, where they run.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        copied: dict[str, Instruction] = {}
        for instruction in stage.executed():
            if instruction.keyword == "COPY" and instruction.flag("from") is None:
                copied.update({name: instruction for name in _archive_names(instruction) if name not in copied})
            elif instruction.keyword == "RUN" and copied:
                for command in instruction.commands("tar"):
                    if not _extracts(command):
                        continue
                    for word in command.args:
                        # As written too: a POSIX shell reads `C:\tmp\app.tar` as escapes, cmd does not.
                        name = next((n for n in (_basename(word.text), _basename(word.raw.strip("\"'")))
                                     if n in copied), None)
                        copy = copied.pop(name) if name is not None else None
                        if copy is not None:
                            yield Hit(f"{name} is copied on line {copy.line} and "
                                      f"extracted on line {command.line}: ADD it to the target directory "
                                      "instead", copy.line)


def _basename(path: str) -> str:
    # Windows paths (C:\tmp\app.tar) as well as POSIX ones.
    return _SEPARATORS.split(path.rstrip("/\\"))[-1]


def _archive_names(copy: Instruction) -> list[str]:
    """The file names a COPY of local tar archives gives them: their own in a directory, else the new one."""
    arguments = copy_arguments(copy)
    if len(arguments) < 2:
        return []
    *sources, destination = arguments
    archives = [source for source in sources if is_tar_archive(source)]
    if not archives:
        return []
    into_directory = destination.endswith(("/", "\\")) or len(sources) > 1 or destination in (".", "..")
    if into_directory:
        return [_basename(source) for source in archives]
    return [_basename(destination)]


def _extracts(command: Command) -> bool:
    for index, word in enumerate(command.args):
        text = word.text
        if text in ("--extract", "--get"):
            return True
        if text.startswith("-") and not text.startswith("--") and "x" in text:
            return True
        if index == 0 and not text.startswith("-") and text.isalpha() and "x" in text:
            return True  # old-style `tar xzf file`
    return False
