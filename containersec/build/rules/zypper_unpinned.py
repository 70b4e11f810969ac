from collections.abc import Iterator

from containersec.build.rules._packages import ZYPPER, is_path_or_url, package_words, unpinned_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Severity


def _is_pinned(word: str) -> bool:
    return any(c in word for c in "=<>") or word.endswith(".rpm") or is_path_or_url(word)


def _packages(command: Command) -> list[ShellWord]:
    kind = command.option_value("-t", "--type")
    # Patterns, products and patches are not versioned like packages.
    return package_words(command, ZYPPER) if kind in (None, "package") else []


def _example(command: Command, name: str) -> str:
    return f"zypper install {name}=<version>"


@rule(id="CSD065", slug="zypper-unpinned", severity=Severity.WARNING,
      aliases=("DL3037",),
      summary="Pin versions in zypper install",
      why="Without a version, every build installs whatever the repositories have that day: builds stop "
          "being reproducible and a new version can break the image without any change to it.",
      bad="RUN zypper -n install curl",
      good="RUN zypper -n install curl=8.0.1",
      notes="`=`, `>=`, `>`, `<=` and `<` count. Not flagged: .rpm files, paths, URLs, `-t pattern` and "
            "other non-package types, and words with a variable.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, ZYPPER, frozenset({"install", "in"}), _is_pinned, _example, _packages)
