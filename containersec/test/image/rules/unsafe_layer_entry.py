from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers


@rule(id="CSI029", slug="image-unsafe-layer-entry", severity=Severity.ERROR, stage=Stage.TEST,
      summary="No layer members that climb out of the root filesystem",
      why="A member named `../x`, an absolute path, a link that points above the root or a member written "
          "through a symlinked folder is how malicious tarballs write outside the folder they are unpacked in, "
          "and device nodes in a layer give a container the host's devices; no builder writes them.",
      bad="# a layer tar made by hand: tar -cf layer.tar ../../etc/cron.d/x",
      good="# layers made by the builder from the Dockerfile",
      notes="Nothing is ever extracted to disk; the members are reported and left out of the merged tree "
            "(absolute paths are read relative to the root, as runtimes do). One finding per layer and kind of "
            "problem, naming the first member and how many more there are.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    assert image.filesystem is not None
    for entry in image.filesystem.unsafe:
        more = f" ({entry.count - 1:,} more members of this layer do the same)" if entry.count > 1 else ""
        yield ImageHit(f"layer {entry.layer} member {entry.name!r}: {entry.problem}{more}", layer=entry.layer)
