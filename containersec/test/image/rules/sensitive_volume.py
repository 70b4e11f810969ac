import posixpath
from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions

_SYSTEM = ("/proc", "/sys", "/dev")


@rule(id="CSI006", slug="image-sensitive-volume", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("DKL-DI-0002",),
      summary="No volumes on /proc, /sys or /dev",
      why="A volume over the kernel's pseudo-filesystems invites mounting the host's: a container with the "
          "host's /proc or /dev is the host.",
      bad="VOLUME /sys/fs/cgroup", good="VOLUME /data")
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    for volume in image.config.volumes:
        path = posixpath.normpath("/" + volume.strip().lstrip("/"))
        if any(path == root or path.startswith(root + "/") for root in _SYSTEM):
            yield ImageHit(f"volume {path} covers a kernel pseudo-filesystem", path=path, keyword="VOLUME")
