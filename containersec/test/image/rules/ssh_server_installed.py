from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers

_SERVERS = ("/usr/sbin/sshd", "/usr/bin/sshd", "/usr/sbin/dropbear", "/etc/ssh/sshd_config")


@rule(id="CSI026", slug="image-ssh-server-installed", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("CIS-DI-0003", "CIS-4.3"),
      summary="No SSH server in the image",
      why="An SSH server is a second way into the container, with its own keys and users to manage; containers "
          "are entered with `docker exec` or a debug container.",
      bad="RUN apt-get install -y openssh-server", good="RUN apt-get install -y openssh-client",
      notes="Looks for sshd, dropbear or sshd_config on the merged filesystem.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    assert image.filesystem is not None
    for path in _SERVERS:
        record = image.filesystem.files.get(path)
        if record is not None and record.kind != "dir":
            yield ImageHit(f"an SSH server is installed ({path})", path=path, layer=record.layer)
            return
