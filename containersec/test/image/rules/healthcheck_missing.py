from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions


@rule(id="CSI002", slug="image-healthcheck-missing", severity=Severity.INFO, stage=Stage.TEST,
      aliases=("CIS-DI-0006", "CIS-4.6"),
      summary="The image should declare a HEALTHCHECK",
      why="Without a health check the runtime only knows whether the process exists, not whether it serves; "
          "a hung service is never restarted.",
      bad="FROM nginx:1.27\nCOPY site /usr/share/nginx/html",
      good="FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nHEALTHCHECK CMD curl -fsS http://localhost/ || exit 1",
      notes="`HEALTHCHECK NONE` (`Test: [\"NONE\"]`) is an explicit opt-out and passes. OCI images built by "
            "tools other than Docker's have no Healthcheck field at all; they are reported too.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    if not image.config.healthcheck:
        yield ImageHit("no Healthcheck in the image config: add HEALTHCHECK (or HEALTHCHECK NONE to opt out)",
                       keyword="HEALTHCHECK")
