from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._history import history_hits

BUILD_RULES = ("CSD083", "CSD084", "CSD085", "CSD086", "CSD087", "CSD088", "CSD089", "CSD090", "CSD140", "CSD144")


@rule(id="CSI011", slug="image-history-tls-bypass", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=(),
      summary="No TLS verification bypass in the image's build steps",
      why="A download without certificate checks can be replaced in transit: what ran in the build, and what shipped, "
          "may not be what was meant.",
      bad="RUN curl -k https://example.com/install.sh -o install.sh",
      good="RUN curl -fsSL https://example.com/install.sh -o install.sh",
      notes="The build stage's shell-aware rules curl-insecure, wget-no-check-certificate, pip-trusted-host, "
            "python-https-verify-disabled, node-tls-verify-disabled, npm-strict-ssl-disabled, git-ssl-verify-disabled "
            "and repo-sslverify-disabled (CSD083-CSD090), package-source-http (CSD140) and signing-key-over-http "
            "(CSD144) are run over the image history, so base image layers and images built from Dockerfiles you do "
            "not have are checked too.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from history_hits(image, BUILD_RULES, options)
