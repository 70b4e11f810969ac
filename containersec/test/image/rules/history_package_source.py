from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits

# extra-package-index, apt-key-used, signing-key-unverified, package-source-not-trusted.
BUILD_RULES = ("CSD142", "CSD145", "CSD146", "CSD147")


@rule(id="CSI040", slug="image-history-package-source", severity=Severity.WARNING, stage=Stage.TEST,
      summary="Packages in the image's build steps come from trusted sources only",
      why="Merged package indexes (dependency confusion), keys trusted for every repository or without a "
          "fingerprint check, and sources outside the organisation's list let someone other than the publisher "
          "decide what was installed.",
      bad="RUN pip install --extra-index-url https://pypi.internal.example/simple mylib==1.2.3",
      good="RUN pip install --index-url https://pypi.internal.example/simple mylib==1.2.3",
      notes="The build stage's shell-aware rules extra-package-index (CSD142), apt-key-used (CSD145), "
            "signing-key-unverified (CSD146) and package-source-not-trusted (CSD147, with "
            "`trusted-package-sources` configured) are run over the image history, so base image layers and "
            "images built from Dockerfiles you do not have are checked too. Config files COPYed into the image "
            "are not read here: the history holds only their hashes.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from history_hits(image, BUILD_RULES, options)
