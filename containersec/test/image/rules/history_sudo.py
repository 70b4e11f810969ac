from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits

BUILD_RULES = ("CSD080",)


@rule(id="CSI008", slug="image-history-sudo", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("DKL-DI-0001",),
      summary="No sudo in the image's build steps",
      why="sudo in a build step means a setuid binary in the image and steps whose privileges nobody reviewed; switch "
          "user with USER.",
      bad="RUN sudo apt-get install -y curl",
      good="USER root\nRUN apt-get install -y curl\nUSER app",
      notes="The build stage's shell-aware rule sudo-used (CSD080) is run over the image history, so base image layers"
            " and images built from Dockerfiles you do not have are checked too.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from history_hits(image, BUILD_RULES, options)
