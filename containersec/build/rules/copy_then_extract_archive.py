import posixpath
from collections.abc import Iterator

from containersec.build.model import Dockerfile, Instruction
from containersec.build.rules._images import copy_arguments, is_tar_archive
from containersec.build.shell import Command
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity


@rule(id="CSD015", slug="copy-then-extract-archive", severity=Severity.INFO, aliases=("DL3010",),
      summary="Local archive copied and then extracted; ADD extracts it in one layer",
      why="COPY then `tar -x` stores the archive in one layer and its contents in another, so the image "
          "carries both. `ADD archive.tar.gz /dest/` unpacks it directly.",
      bad="COPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt",
      good="ADD app.tar.gz /opt/",
      notes="Only tar archives ADD can unpack (plain, gzip, bzip2, xz), copied from the build context "
            "and extracted by `tar` (`-x`, `x...` or `--extract`) in a later RUN of the same stage.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        copied: dict[str, Instruction] = {}
        for instruction in stage.instructions:
            if instruction.keyword == "COPY" and instruction.flag("from") is None:
                for source in copy_arguments(instruction)[:-1]:
                    if is_tar_archive(source):
                        copied.setdefault(posixpath.basename(source), instruction)
            elif instruction.keyword == "RUN" and copied:
                for command in instruction.commands("tar"):
                    if not _extracts(command):
                        continue
                    for word in command.args:
                        copy = copied.pop(posixpath.basename(word.text), None)
                        if copy is not None:
                            yield Hit(f"{posixpath.basename(word.text)} is copied on line {copy.line} and "
                                      f"extracted on line {command.line}: ADD it to the target directory "
                                      "instead", copy.line)


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
