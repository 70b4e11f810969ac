from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers


@rule(id="CSI020", slug="image-setuid-file", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("CIS-DI-0008", "CIS-4.8"),
      summary="No setuid or setgid files beyond the base image's usual ones",
      why="A setuid binary runs with its owner's rights whoever starts it: one bug in it turns any process in "
          "the container into root.",
      bad="RUN chmod u+s /usr/local/bin/tool", good="RUN chmod 0755 /usr/local/bin/tool",
      notes="Checked on the merged filesystem (a file removed by a later layer's whiteout is gone). Allowed by "
            "default: the binaries Debian, Ubuntu, Alpine and UBI base images ship (su, passwd, mount, umount, "
            "chsh, chfn, gpasswd, newgrp, chage, expiry, wall, write, unix_chkpwd, ping, crontab, ssh-keysign, "
            "bbsuid, dbus-daemon-launch-helper, in /bin, /usr/bin, /sbin, /usr/sbin and /usr/lib); add paths "
            "or globs with `image.setuid-allow`.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    assert image.filesystem is not None
    for record in image.filesystem.files.values():
        if record.kind in ("file", "hardlink") and record.mode & 0o6000 and not options.setuid_allowed(record.path):
            bits = " and ".join(name for bit, name in ((0o4000, "setuid"), (0o2000, "setgid")) if record.mode & bit)
            yield ImageHit(f"{record.path} is {bits} (mode {record.mode:04o}, owner {record.uid}:{record.gid}): "
                           "remove the bit or allow the path in image.setuid-allow", path=record.path,
                           layer=record.layer)
