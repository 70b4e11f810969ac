from collections.abc import Iterator

from containersec.build.rules._packages import (
    APK,
    APT,
    DNF,
    MICRODNF,
    YUM,
    ZYPPER,
    Manager,
    position,
    subcommand,
)
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity

# Each family: its managers and the subcommands that only refresh the package index.
_FAMILIES: tuple[tuple[tuple[Manager, ...], frozenset[str]], ...] = (
    ((APT,), frozenset({"update"})),
    ((APK,), frozenset({"update"})),
    ((YUM, DNF, MICRODNF), frozenset({"makecache"})),
    ((ZYPPER,), frozenset({"refresh", "ref"})),
)
_NAMES = frozenset(name for managers, _ in _FAMILIES for manager in managers for name in manager.names)


def _refreshes(command: Command, manager: Manager, refresh: frozenset[str]) -> bool:
    if subcommand(command, manager) not in refresh:
        return False
    # `apk update --no-cache` stores no index, so nothing stale is left in the layer.
    return not (manager is APK and command.has_option("--no-cache"))


def _installs(command: Command, manager: Manager, refresh: frozenset[str]) -> bool:
    name = subcommand(command, manager)
    return name in manager.install and name not in refresh


@rule(id="CSD040", slug="package-update-alone", severity=Severity.WARNING,
      aliases=("CKV_DOCKER_5", "DS017", "CIS-DI-0007"),
      summary="Refresh the package index in the same RUN as the install",
      why="A RUN that only refreshes the index (`apt-get update`, `apk update`, `yum makecache`, "
          "`zypper refresh`) is cached as its own layer: later installs use a stale index from that "
          "cache, fail on vanished versions or miss security fixes, and the index bloats the image.",
      bad="RUN apt-get update\nRUN apt-get install -y curl",
      good="RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
      notes="Decided per RUN and per package manager, with a real shell parse (heredocs, `sh -c` and "
            "ONBUILD included): unlike Checkov CKV_DOCKER_5's file-wide word counter, `update-locale` and "
            "an install by another manager do not count, and `apk update --no-cache` (which keeps no "
            "index) is not flagged. yum, dnf and microdnf share one index, so `yum makecache && dnf "
            "install` is fine.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for run in dockerfile.runs():
        found = list(run.commands(*_NAMES))
        if not found:
            continue
        for managers, refresh in _FAMILIES:
            commands = [(c, m) for c in found for m in managers if m.matches(c.name)]
            last_install = max((position(c) for c, m in commands if _installs(c, m, refresh)), default=(0, 0))
            for command, manager in commands:
                if _refreshes(command, manager, refresh) and position(command) > last_install:
                    words = " ".join(w.text for w in command.argv[:2])
                    yield Hit(f"'{words}' without an install in the same RUN: the index is cached in its own "
                              f"layer and goes stale; refresh and install in one RUN", command.line,
                              column=command.column)
