from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits

BUILD_RULES = ("CSD091", "CSD143")


@rule(id="CSI012", slug="image-history-signature-bypass", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("CIS-DI-0011",),
      summary="No package signature bypass in the image's build steps",
      why="Installing unsigned or unverified packages lets anyone on the path (or a compromised mirror) choose what "
          "runs in the image.",
      bad="RUN apt-get install -y --allow-unauthenticated curl",
      good="RUN apt-get install -y curl",
      notes="The build stage's shell-aware rules package-signature-check-disabled (CSD091) and "
            "checksum-database-disabled (CSD143, Go modules unchecked) are run over the image history, so base "
            "image layers and images built from Dockerfiles you do not have are checked too.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from history_hits(image, BUILD_RULES, options)
