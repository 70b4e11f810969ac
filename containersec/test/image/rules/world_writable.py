from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers

_STICKY = 0o1000


@rule(id="CSI021", slug="image-world-writable", severity=Severity.WARNING, stage=Stage.TEST,
      summary="No world-writable files or directories (except sticky directories such as /tmp)",
      why="Anyone in the container, whatever user, can change a world-writable file: a binary or a config "
          "that others run or read becomes theirs.",
      bad="RUN chmod 777 /app", good="RUN chown app:app /app && chmod 0755 /app",
      notes="Dockle has no such check. Symbolic links (always mode 777) and directories with the sticky bit "
            "(/tmp, /var/tmp: only owners may delete) are not reported.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    assert image.filesystem is not None
    for record in image.filesystem.files.values():
        if record.kind not in ("file", "dir") or not record.mode & 0o002:
            continue
        if record.kind == "dir" and record.mode & _STICKY:
            continue
        what = "directory" if record.kind == "dir" else "file"
        yield ImageHit(f"{record.path} is a world-writable {what} (mode {record.mode:04o})", path=record.path,
                       layer=record.layer)
