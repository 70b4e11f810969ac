import re
from collections.abc import Iterator

from containersec.build.rules._packages import (
    PIP,
    Manager,
    is_path_or_url,
    package_words,
    unpinned_hits,
    vcs_ref,
)
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Severity
from containersec.patterns import LazyPattern

_SPECIFIERS = ("==", "~=", ">=", "<=", "!=", "<", ">", "@")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")
# A version-control source, alone or as a PEP 508 direct reference (`name @ git+https://...`).
_VCS = LazyPattern(r"(?:[\w.\[\],-]+\s*@\s*)?(?P<url>(?:git|hg|svn|bzr)\+.*)", re.DOTALL)


def _is_pinned(word: str) -> bool:
    if vcs := _VCS.fullmatch(word):
        return bool(vcs_ref(vcs["url"], "@"))  # the default branch moves: only a commit or tag pins
    return (word == "." or any(s in word for s in _SPECIFIERS) or word.endswith(_ARCHIVES)
            or is_path_or_url(word) or "/" in word or "\\" in word)


# pipx installs each application into its own environment with pip, from the same package specs.
PIPX = Manager("pipx", frozenset({"pipx"}),
               frozenset({"--python", "--pip-args", "--suffix", "-i", "--index-url", "--spec", "--preinstall",
                          "--backend", "--global-option"}),
               frozenset({"install", "inject", "upgrade"}))


def _packages(command: Command) -> list[ShellWord]:
    if command.has_option("--no-index", "-c", "--constraint"):
        # Only local archives (--find-links) can be installed, or a constraints file decides the versions.
        return []
    words = package_words(command, PIP)
    upgrading = command.has_option("-U", "--upgrade")
    found = []
    for index, word in enumerate(words):
        follows = words[index + 1].text if index + 1 < len(words) else ""
        if follows.startswith("@") or (upgrading and word.text == "pip"):
            continue  # `name @ url` (PEP 508 direct reference); upgrading the installer itself
        found.append(word)
    return found


def _pipx_packages(command: Command) -> list[ShellWord]:
    words = package_words(command, PIPX)
    # `pipx inject VENV PKG...` names the environment first.
    return words[1:] if command.subcommand(PIPX.value_options) == "inject" else words


def _example(command: Command, name: str) -> str:
    if command.name == "pipx":
        return f"pipx install {name}==<version>"
    return f"pip install {name}==<version>, or a requirements file with pins"


@rule(id="CSD059", slug="pip-unpinned", severity=Severity.WARNING,
      aliases=("DL3013",),
      summary="Pin versions in pip install",
      why="Without a version, every build installs the newest release on PyPI: builds stop being "
          "reproducible and a new upstream release can break the image without any change to it.",
      bad="RUN pip install --no-cache-dir flask",
      good="RUN pip install --no-cache-dir flask==3.0.3",
      notes="Any specifier counts (`==`, `>=`, `~=`, `<`, `!=`, `name @ url`). Not flagged: -r files, "
            "installs under a -c constraints file, `-e` targets, `.`, local paths, wheels and sdists, URLs, "
            "VCS sources with a commit or tag (`git+https://host/repo@v1.0`; without one, as with `#egg=name` "
            "alone, they follow a moving branch, as hadolint says), words with a variable, installs with "
            "--no-index (the local archives decide the version) and `pip install --upgrade pip` (upgrading "
            "the installer itself, which hadolint DL3013 flags: pinning it only freezes an old pip with its "
            "known issues). `python -m pip`, pip3.X and `pipx install`/`pipx inject` (pip underneath, as "
            "hadolint's maintainers read DL3013) are checked.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, PIP, frozenset({"install"}), _is_pinned, _example, _packages)
    yield from unpinned_hits(dockerfile, PIPX, frozenset({"install", "inject"}), _is_pinned, _example,
                             _pipx_packages)
