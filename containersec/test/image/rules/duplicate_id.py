from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._accounts import rows
from containersec.test.image.rules._layers import reads_layers


@rule(id="CSI023", slug="image-duplicate-id", severity=Severity.WARNING, stage=Stage.TEST,
      aliases=("DKL-LI-0002",),
      summary="No two users with one UID, or two groups with one GID",
      why="Two names for one ID share every file and every permission: the second is an alias of the first "
          "(often a second root), and audits that read names are fooled.",
      bad="RUN useradd -o -u 0 admin", good="RUN useradd --uid 10001 app")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    filesystem = image.filesystem
    assert filesystem is not None
    for path, what in (("/etc/passwd", "UID"), ("/etc/group", "GID")):
        record = filesystem.files.get(path)
        owners: dict[str, str] = {}
        for number, fields in rows(filesystem, path):
            if len(fields) < 3 or not fields[2].strip().isdigit():
                continue
            number_id = fields[2].strip()
            if number_id in owners:
                yield ImageHit(f"{path} line {number}: {fields[0]!r} has {what} {number_id}, as {owners[number_id]!r} "
                               "does", path=path, layer=record.layer if record else None)
            else:
                owners[number_id] = fields[0]
