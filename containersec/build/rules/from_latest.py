from collections.abc import Iterator

from containersec.build.rules._images import pulled_bases
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD002", slug="from-latest", severity=Severity.WARNING,
      aliases=("DL3007", "CKV_DOCKER_7", "DS001", "DKL-DI-0006"),
      summary="Base image uses the `latest` tag",
      why="`latest` moves: the same Dockerfile builds a different image tomorrow, and a rebuild can pull "
          "a new major version. Pin a version tag (and ideally a digest).",
      bad="FROM node:latest",
      good="FROM node:20.11-bookworm-slim",
      notes="ARG defaults are substituted in FROM; a reference that still contains a variable, `scratch` "
            "and earlier stage names are skipped. A reference pinned by digest (`:latest@sha256:...`) "
            "is not flagged. Dockle's DKL-DI-0006 judges the scanned image's reference; this is its "
            "static form. A variable only in the registry part (`${REGISTRY}/node:latest`) does not stop "
            "the check; a name no global ARG declares is empty, as in BuildKit.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage, image, reference in pulled_bases(dockerfile):
        if reference.tag == "latest" and reference.digest is None:
            yield Hit(f"base image {image!r} uses the 'latest' tag: pin a version tag, e.g. "
                      f"{image.rsplit(':', 1)[0]}:<version>", stage.line)
