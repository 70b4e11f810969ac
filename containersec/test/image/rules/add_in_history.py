import re
from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.history import as_instruction, describe
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions

# How the legacy builder records a base image's root filesystem tarball: `ADD file:<sha256> in /`.
_BASE_ROOTFS = re.compile(r"^file:[0-9a-f]{64} in /\s*$")


@rule(id="CSI007", slug="image-add-in-history", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("CIS-DI-0009", "CIS-4.9"),
      summary="Use COPY instead of ADD",
      why="ADD fetches URLs and unpacks archives implicitly: what lands in the image depends on the remote "
          "server and the file's type, not on what the Dockerfile says.",
      bad="ADD https://example.com/tool.tar.gz /opt/", good="COPY tool.tar.gz /opt/",
      notes="The first history entry and the base image's root filesystem (`ADD file:<hash> in /`) are not "
            "reported, as in Dockle.")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    for position, entry in enumerate(image.config.history):
        instruction = as_instruction(entry.created_by)
        if position and instruction and instruction.keyword == "ADD" and not _BASE_ROOTFS.match(instruction.text):
            yield ImageHit(f"{describe(entry)} uses ADD: use COPY (and curl or a checked download for URLs)",
                           history=entry.index, layer=entry.layer)
