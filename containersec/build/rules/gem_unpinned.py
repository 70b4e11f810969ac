from collections.abc import Iterator

from containersec.build.rules._packages import Manager, is_path_or_url, package_words, unpinned_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command, ShellWord
from containersec.findings import Severity

GEM = Manager("gem", frozenset({"gem"}),
              frozenset({"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P",
                         "--trust-policy", "--platform", "-g", "--file", "--build-root", "--target-rbconfig"}))


def _is_pinned(word: str) -> bool:
    return ":" in word or word.endswith(".gem") or is_path_or_url(word)


def _packages(command: Command) -> list[ShellWord]:
    if command.has_option("-v", "--version"):
        return []
    # Words after `--` are build options handed to the gems' extensions, not gems.
    dashes = next((w.start for w in command.args if w.text == "--"), None)
    return [w for w in package_words(command, GEM) if dashes is None or w.start < dashes]


def _example(command: Command, name: str) -> str:
    return f"gem install {name}:<version>"


@rule(id="CSD061", slug="gem-unpinned", severity=Severity.WARNING,
      aliases=("DL3028",),
      summary="Pin versions in gem install",
      why="Without a version, every build installs the newest release on RubyGems: builds stop being "
          "reproducible and a breaking release reaches the image unnoticed.",
      bad="RUN gem install bundler",
      good="RUN gem install bundler:2.5.10",
      notes="`name:version` and -v/--version count; .gem files, paths, words with a variable and the "
            "build options after `--` are not flagged.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from unpinned_hits(dockerfile, GEM, frozenset({"install", "i"}), _is_pinned, _example, _packages)
