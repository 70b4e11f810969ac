from collections.abc import Iterator

from containersec.build.rules._labels import invalid_values
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD129", slug="label-email-invalid", severity=Severity.WARNING, aliases=("DL3058",),
      summary="Schema labels of type email hold an e-mail address",
      why="Maintainer and support contacts are only useful when they can be written to.",
      bad='LABEL com.example.support="support at example.com"',
      good='LABEL com.example.support="support@example.com"',
      notes="Only active for labels the `label-schema` types as `email`. An RFC 5322 mailbox: a bare address or `Name"
            " <address>` (hadolint accepts the bare address only).")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from invalid_values(dockerfile, options, "email")
