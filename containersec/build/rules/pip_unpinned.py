from collections.abc import Iterator

from containersec.build.model import Dockerfile
from containersec.build.rules._packages import PIP, is_path_or_url, package_words, unpinned_hits
from containersec.build.shell import Command, ShellWord
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.findings import Severity

_SPECIFIERS = ("==", "~=", ">=", "<=", "!=", "<", ">", "@")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")
_VCS = ("git+", "hg+", "svn+", "bzr+")


def _is_pinned(word: str) -> bool:
    return (word == "." or any(s in word for s in _SPECIFIERS) or word.endswith(_ARCHIVES)
            or word.startswith(_VCS) or is_path_or_url(word) or "/" in word or "\\" in word)


def _packages(command: Command) -> list[ShellWord]:
    if command.has_option("--no-index"):
        return []  # only local archives (--find-links) can be installed: they decide the version
    words = package_words(command, PIP)
    upgrading = command.has_option("-U", "--upgrade")
    found = []
    for index, word in enumerate(words):
        follows = words[index + 1].text if index + 1 < len(words) else ""
        if follows.startswith("@") or (upgrading and word.text == "pip"):
            continue  # `name @ url` (PEP 508 direct reference); upgrading the installer itself
        found.append(word)
    return found


def _example(command: Command, name: str) -> str:
    return f"pip install {name}==<version>, or a requirements file with pins"


@rule(id="CSD059", slug="pip-unpinned", severity=Severity.WARNING,
      aliases=("DL3013",),
      summary="Pin versions in pip install",
      why="Without a version, every build installs the newest release on PyPI: builds stop being "
          "reproducible and a new upstream release can break the image without any change to it.",
      bad="RUN pip install --no-cache-dir flask",
      good="RUN pip install --no-cache-dir flask==3.0.3",
      notes="Any specifier counts (`==`, `>=`, `~=`, `<`, `!=`, `name @ url`). Not flagged: -r/-c files, "
            "`-e` targets, `.`, local paths, wheels and sdists, URLs and VCS sources, words with a variable, "
            "installs with --no-index (the local archives decide the version) and `pip install --upgrade "
            "pip` (upgrading the installer itself, which hadolint DL3013 flags: pinning it only freezes an "
            "old pip with its known issues). `python -m pip` and pip3.X are checked; pipx is not pip.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, PIP, frozenset({"install"}), _is_pinned, _example, _packages)
