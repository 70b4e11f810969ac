from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions


@rule(id="CSI005", slug="image-ssh-port-exposed", severity=Severity.WARNING, stage=Stage.TEST, aliases=("DS004",),
      summary="The image should not expose port 22",
      why="An SSH port means an SSH server and its keys in the image: another way in, and a sign the container "
          "is run like a VM. Use `docker exec` or an ephemeral debug container.",
      bad="EXPOSE 22 8080", good="EXPOSE 8080")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    for port in image.config.exposed_ports:
        if port.partition("/")[0] == "22":
            yield ImageHit(f"the image exposes SSH port {port}", keyword="EXPOSE")
