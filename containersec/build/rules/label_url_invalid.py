from collections.abc import Iterator

from containersec.build.rules._labels import invalid_values
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD124", slug="label-url-invalid", severity=Severity.WARNING, aliases=("DL3052",),
      summary="Schema labels of type url hold an absolute URL",
      why="Registries and dashboards turn source and documentation labels into links; a bare host or a typo makes the"
          " link dead.",
      bad='LABEL org.opencontainers.image.source="github.com/org/app"',
      good='LABEL org.opencontainers.image.source="https://github.com/org/app"',
      notes="Only active for labels the `label-schema` types as `url`. Like hadolint (RFC 3986 absolute URI): a "
            "scheme is required, and a `scheme://` URL needs a host. Credentials in a URL are masked in the message.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from invalid_values(dockerfile, options, "url")
