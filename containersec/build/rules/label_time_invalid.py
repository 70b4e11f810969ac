from collections.abc import Iterator

from containersec.build.rules._labels import invalid_values
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD125", slug="label-time-invalid", severity=Severity.WARNING, aliases=("DL3053",),
      summary="Schema labels of type rfc3339 hold an RFC 3339 time",
      why="Build dates are compared and sorted by tools; a date in a local format (`05/01/2024`) or without a time "
          "zone cannot be ordered reliably.",
      bad='LABEL org.opencontainers.image.created="2024-05-01"',
      good='LABEL org.opencontainers.image.created="2024-05-01T12:00:00Z"',
      notes="Only active for labels the `label-schema` types as `rfc3339`. A full date-time with an offset (`Z` or "
            "`+02:00`) is required; the date must exist. RFC 3339's space instead of `T` is accepted.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from invalid_values(dockerfile, options, "rfc3339")
