from collections.abc import Iterator

from containersec.build.rules._labels import invalid_values
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD128", slug="label-semver-invalid", severity=Severity.WARNING, aliases=("DL3056",),
      summary="Schema labels of type semver hold a semantic version",
      why="Release automation compares versions; `v1.2`, `latest` or a date cannot be ordered as SemVer.",
      bad='LABEL org.opencontainers.image.version="v1.2"',
      good='LABEL org.opencontainers.image.version="1.2.0"',
      notes="Only active for labels the `label-schema` types as `semver`. SemVer 2.0.0 exactly, as hadolint: no `v` "
            "prefix, three numeric parts, optional pre-release and build metadata.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from invalid_values(dockerfile, options, "semver")
