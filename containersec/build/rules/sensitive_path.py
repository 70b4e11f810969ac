import posixpath
from collections.abc import Iterator

from containersec.build.rules._images import resolve
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile, Instruction
from containersec.dockerfile.words import unquote
from containersec.findings import Severity

_SYSTEM_DIRECTORIES = ("/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found")


@rule(id="CSD020", slug="sensitive-path", severity=Severity.ERROR, aliases=("DS030", "DKL-DI-0002"),
      summary="WORKDIR or VOLUME on a system directory",
      why="/proc, /sys and /dev are kernel interfaces the runtime mounts; a VOLUME there can expose the "
          "host's, and a WORKDIR there writes build files into them. /boot, /initrd and /lost+found "
          "have no place in a container.",
      bad="VOLUME /sys",
      good="VOLUME /data",
      notes="Merges Trivy DS030 (WORKDIR) and Dockle DKL-DI-0002 (VOLUME); both instructions are checked "
            "for all six directories and their subdirectories, after ARG/ENV substitution.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for keyword in ("WORKDIR", "VOLUME"):
        for instruction in dockerfile.all(keyword, onbuild=True):
            for path in _paths(instruction):
                resolved = posixpath.normpath(resolve(dockerfile, path, instruction.stage))
                directory = next((d for d in _SYSTEM_DIRECTORIES
                                  if resolved == d or resolved.startswith(d + "/")), None)
                if directory is not None:
                    yield Hit(f"{keyword} {path} is under the system directory {directory}: use an application "
                              "directory such as /data", instruction.line)


def _paths(instruction: Instruction) -> list[str]:
    if instruction.keyword == "WORKDIR":
        return [unquote(instruction.value, instruction.escape)]
    if instruction.exec_form is not None:
        return instruction.exec_form
    return [word.text for word in instruction.words()]
