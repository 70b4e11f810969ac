from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._accounts import rows
from containersec.test.image.rules._layers import reads_layers


@rule(id="CSI022", slug="image-empty-password", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("DKL-LI-0001",),
      summary="No account with an empty password",
      why="An account without a password lets anyone who reaches a login (su, an SSH server, a console) become "
          "that user without knowing anything.",
      bad="RUN passwd -d root", good="RUN passwd -l root",
      notes="`/etc/shadow` entries whose password field is empty; `!` and `*` (locked) pass. An `/etc/passwd` "
            "entry with an empty password field (no `x`) counts too: it bypasses shadow.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    filesystem = image.filesystem
    assert filesystem is not None
    for path in ("/etc/shadow", "/etc/passwd"):
        record = filesystem.files.get(path)
        for number, fields in rows(filesystem, path):
            if len(fields) > 1 and fields[1] == "":
                yield ImageHit(f"{path} line {number}: user {fields[0]!r} has an empty password: lock it "
                               "(passwd -l)", path=path, layer=record.layer if record else None)
