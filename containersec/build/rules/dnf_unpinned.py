from collections.abc import Iterator

from containersec.build.rules._packages import DNF, MICRODNF, RPM_INSTALLS, rpm_pinned, unpinned_hits
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.dockerfile.shell import Command
from containersec.findings import Severity


def _example(command: Command, name: str) -> str:
    return f"{command.name} install {name}-<version>"


@rule(id="CSD064", slug="dnf-unpinned", severity=Severity.WARNING,
      aliases=("DL3041",),
      summary="Pin versions in dnf install",
      why="Without a version, every build installs whatever the repositories have that day: builds stop "
          "being reproducible and a new version can break the image without any change to it.",
      bad="RUN dnf install -y httpd && dnf clean all",
      good="RUN dnf install -y httpd-2.4.57 && dnf clean all",
      notes="A version is `name-version[-release]`: the part after the last `-` starts with a digit, so "
            "`python3-devel` is flagged and `nginx-1.20.1-1.el8` is not (a name ending in a number, such "
            "as `gcc-toolset-12`, reads as pinned). Not flagged: .rpm files, paths, URLs, groups and "
            "module streams (`@nodejs:18`, `nodejs:18`), provides such as `dnf-command(config-manager)`, "
            "and words with a variable (`pkg-${VERSION}`, hadolint #1143). dnf, dnf5, tdnf and microdnf "
            "are checked.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for manager in (DNF, MICRODNF):
        yield from unpinned_hits(dockerfile, manager, RPM_INSTALLS, rpm_pinned, _example)
