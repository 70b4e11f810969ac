from collections.abc import Iterator

from containersec.build.rules._labels import invalid_values
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD126", slug="label-spdx-invalid", severity=Severity.WARNING, aliases=("DL3054",),
      summary="Schema labels of type spdx hold an SPDX license expression",
      why="Licence scanners and SBOM tools read `org.opencontainers.image.licenses` as an SPDX expression; free text "
          "such as `Apache 2` is not understood.",
      bad='LABEL org.opencontainers.image.licenses="Apache 2"',
      good='LABEL org.opencontainers.image.licenses="Apache-2.0 OR MIT"',
      notes="Only active for labels the `label-schema` types as `spdx`. hadolint accepts a single licence id only; "
            "here full SPDX expressions (`AND`, `OR`, `WITH`, parentheses, `+`, `LicenseRef-`) pass, which is what "
            "the OCI annotation specifies. The expression grammar is checked, not the id list (which changes every "
            "release), so a misspelt but well-formed id passes.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from invalid_values(dockerfile, options, "spdx")
