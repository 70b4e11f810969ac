from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions


@rule(id="CSI001", slug="image-runs-as-root", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("CIS-DI-0001", "CIS-4.1"),
      summary="The image should not run as root",
      why="A process that runs as root in the container is root on the host's kernel: any escape, writable "
          "mount or capability left on is a host compromise. Create a user and switch to it.",
      bad="FROM debian:12\nCMD [\"app\"]",
      good="FROM debian:12\nRUN useradd --uid 10001 app\nUSER 10001\nCMD [\"app\"]",
      notes="Reads `config.User`: empty, `root`, `0`, and `root:<group>` or `0:<group>` all run as root "
            "(Dockle checks only empty and `root`).")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    user = image.config.user
    if user.partition(":")[0] in ("", "root", "0"):
        shown = f"User is {user!r}" if user else "no User is set"
        yield ImageHit(f"the image runs as root ({shown}): add a user and end with USER <uid>", keyword="USER")
