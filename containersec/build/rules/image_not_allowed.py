from collections.abc import Iterator

from containersec.build.rules._images import external_images
from containersec.catalogue import Hit, RuleOptions, rule
from containersec.dockerfile.model import Dockerfile
from containersec.findings import Severity
from containersec.images import image_matches, parse_image


@rule(id="CSD006", slug="image-not-allowed", severity=Severity.ERROR,
      summary="Image is not on the allow-list",
      why="An allow-list of base images keeps builds on images the organisation patches and supports. "
          "Configure `allowed_images` with globs over the full reference.",
      bad="# allowed_images: ['docker.io/library/alpine:3.*']\nFROM debian:12",
      good="FROM alpine:3.19",
      notes="Off until `allowed_images` is configured; none of the peers has it. Patterns are globs "
            "matched against the normalised reference (`docker.io/library/alpine:3.19`, `:latest` added "
            "when no tag or digest is given) or the reference as written. Covers FROM, "
            "`COPY --from=<image>` and `RUN --mount=...,from=<image>`.")
def check(dockerfile: Dockerfile, options: RuleOptions) -> Iterator[Hit]:
    allowed = options.allowed_images
    if not allowed:
        return
    for image, instruction in external_images(dockerfile):
        if not image_matches(image, allowed):
            yield Hit(f"image {image!r} ({parse_image(image).normalised}) is not in allowed_images: use an "
                      "approved image", instruction.line)
