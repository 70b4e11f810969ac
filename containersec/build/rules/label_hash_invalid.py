from collections.abc import Iterator

from containersec.build.rules._labels import invalid_values
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD127", slug="label-hash-invalid", severity=Severity.WARNING, aliases=("DL3055",),
      summary="Schema labels of type hash hold a git commit hash",
      why="The revision label ties an image to the exact commit it was built from; a branch name or a placeholder "
          "breaks that link.",
      bad='LABEL org.opencontainers.image.revision="main"',
      good='LABEL org.opencontainers.image.revision="4b825dc642cb6eb9a060e54bf8d69288fbee4904"',
      notes="Only active for labels the `label-schema` types as `hash`. hadolint accepts exactly 7 or 40 lower-case "
            "hex digits; here any abbreviation git prints (7 to 40 hex digits, either case) and 64-digit SHA-256 "
            "object names pass.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    yield from invalid_values(dockerfile, options, "hash")
