from collections.abc import Iterator

from containersec.build.rules._images import external_images, parse_image, pulled_bases
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity


@rule(id="CSD004", slug="from-not-pinned-by-digest", severity=Severity.INFO,
      summary="Base image (or another image the build pulls) is not pinned by digest",
      why="A tag is mutable: whoever controls the registry can point it at different content. A digest "
          "names exact bytes, so the build is reproducible and a compromised tag cannot change it. "
          "`containersec pin --check` (and the `containersec-pin-check` pre-commit hook) fails on unpinned "
          "base images; a policy can raise this rule to error.",
      bad="FROM python:3.12-slim",
      good="FROM python:3.12-slim@sha256:<digest>",
      notes="None of hadolint, Checkov, Trivy or Dockle checks this (Dockle's CIS-DI-0005 content trust "
            "is the nearest). Images pulled by `COPY --from=<image>` and `RUN --mount=from=<image>` are checked "
            "too, as `containersec pin` rewrites them. `scratch`, earlier stages and references that stay a "
            "variable are skipped, unless the variable is only in the registry part (`${REGISTRY}/python:3.12`); "
            "a variable with a default (`ARG BASE=python:3.12` before `FROM ${BASE}`) is judged by its default.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    for stage, image, reference in pulled_bases(dockerfile):
        if reference.digest is None:
            yield Hit(f"base image {image!r} is not pinned by digest: use {image}@sha256:<digest> "
                      f"(the digest is in `docker buildx imagetools inspect {image}`)", stage.line)
    for image, instruction in external_images(dockerfile):
        target = instruction.effective
        if target.keyword != "FROM" and parse_image(image).digest is None:
            how = "COPY --from" if target.keyword == "COPY" else "RUN --mount=from"
            yield Hit(f"image {image!r} ({how}) is not pinned by digest: use {image}@sha256:<digest> "
                      f"(`containersec pin` writes it)", instruction.line)
