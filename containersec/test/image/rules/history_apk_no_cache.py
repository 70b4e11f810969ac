from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits

BUILD_RULES = ("CSD048",)


@rule(id="CSI010", slug="image-history-apk-no-cache", severity=Severity.INFO, stage=Stage.TEST,
      aliases=("DKL-DI-0004",),
      summary="apk add with --no-cache in the image's build steps",
      why="Without --no-cache the package index stays in the layer: dead weight in every pull.",
      bad="RUN apk add curl",
      good="RUN apk add --no-cache curl",
      notes="The build stage's shell-aware rule apk-no-cache (CSD048) is run over the image history, so base image "
            "layers and images built from Dockerfiles you do not have are checked too.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from history_hits(image, BUILD_RULES, options)
