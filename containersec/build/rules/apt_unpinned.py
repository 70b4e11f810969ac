from collections.abc import Iterator

from containersec.build.rules._packages import APT, APTITUDE, is_path_or_url, unpinned_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity


def _is_pinned(word: str) -> bool:
    return "=" in word or word.endswith(".deb") or is_path_or_url(word)


def _example(command: Command, name: str) -> str:
    return f"{command.name} install {name.split('/', 1)[0]}=<version>"


@rule(id="CSD057", slug="apt-unpinned", severity=Severity.WARNING,
      aliases=("DL3008",),
      summary="Pin versions in apt-get install",
      why="Without a version, every build installs whatever the mirror has that day: builds stop being "
          "reproducible, and a new upstream version can break the image without any change to it.",
      bad="RUN apt-get install -y --no-install-recommends curl",
      good="RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5",
      notes="Each unpinned package is reported at its own line and column. Not flagged: local .deb files "
            "and paths, the value of -t/--target-release and -o, and words with a variable (`$PKGS`, "
            "`curl=${CURL_VERSION}`: decided at build time, hadolint #928). `pkg/release` selects a "
            "release, not a version, and is flagged. `apt install` and `aptitude install` (same pins) are "
            "checked too.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for manager in (APT, APTITUDE):
        yield from unpinned_hits(dockerfile, manager, frozenset({"install"}), _is_pinned, _example)
