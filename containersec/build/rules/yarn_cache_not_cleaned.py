from collections.abc import Iterator

from containersec.build.rules._packages import YARN, subcommand, uncleaned
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

_CACHES = ("/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn/berry/cache")
_CACHE_SUFFIXES = (".cache/yarn", ".yarn/berry/cache", ".yarn-cache")


def _installs(command: Command) -> bool:
    words = command.positionals(YARN.value_options)
    if words:
        return words[0].text in YARN.install
    return not command.has_option("-v", "--version", "-h", "--help")  # a bare `yarn` installs


def _cleans(command: Command) -> bool:
    if command.name == "yarn":
        words = [w.text for w in command.positionals(YARN.value_options)]
        return words[:2] == ["cache", "clean"]
    return command.name == "rm" and any(w.text.rstrip("/*").rstrip("/").endswith(_CACHE_SUFFIXES)
                                        for w in command.args)


@rule(id="CSD054", slug="yarn-cache-not-cleaned", severity=Severity.INFO,
      aliases=("DL3060",),
      summary="Clean the yarn cache in the RUN that installs",
      why="yarn keeps a copy of every package it installs in its global cache; in an image layer that copy "
          "doubles the size of node_modules.",
      bad="RUN yarn install --frozen-lockfile",
      good="RUN yarn install --frozen-lockfile && yarn cache clean",
      notes="`yarn`, `yarn install` and `yarn add` need `yarn cache clean` (or an `rm` of the yarn cache "
            "directory) later in the same RUN, or a cache or tmpfs mount on the yarn cache directory: a "
            "clean-up in a later RUN does not shrink the earlier layer, which hadolint DL3060 accepts. Only "
            "stages whose layers end up in the final image are checked.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for _, command in uncleaned(dockerfile, YARN, _installs, _cleans, _CACHES, _CACHE_SUFFIXES):
        invoked = f"yarn {subcommand(command, YARN)}".rstrip()
        yield Hit(f"'{invoked}' without 'yarn cache clean' after it in the same RUN: the package cache stays "
                  "in the layer", command.line, column=command.column)
