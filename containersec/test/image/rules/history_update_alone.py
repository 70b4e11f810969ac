from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits

BUILD_RULES = ("CSD040",)


@rule(id="CSI009", slug="image-history-update-alone", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("CIS-DI-0007", "CIS-4.7"),
      summary="No package index update without an install in the same step",
      why="An index refreshed in its own layer goes stale in the build cache; later installs then fetch old versions.",
      bad="RUN apt-get update\nRUN apt-get install -y curl",
      good="RUN apt-get update && apt-get install -y curl",
      notes="The build stage's shell-aware rule package-update-alone (CSD040) is run over the image history, so base "
            "image layers and images built from Dockerfiles you do not have are checked too.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from history_hits(image, BUILD_RULES, options)
