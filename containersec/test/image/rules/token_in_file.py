from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.test.image.model import TOKEN, Image, ImageHit
from containersec.test.image.options import ImageOptions
from containersec.test.image.rules._layers import reads_layers
from containersec.test.image.rules._sightings import sighting_hits


@rule(id="CSI028", slug="image-token-in-file", severity=Severity.ERROR, stage=Stage.TEST,
      aliases=("CIS-DI-0010",),
      summary="No API tokens in the image's files, in any layer",
      why="A token in a config or script file ships with the image, and a later `rm` does not take it out of "
          "the earlier layer.",
      bad="COPY config.yml /app/  # holds ghp_...", good="RUN --mount=type=secret,id=token app-setup",
      notes="Text files (no NUL in the first 8 KiB) up to `image.secret-scan-max-bytes` (default 1 MiB), in "
            "every layer, for every credential kind of the secret catalogue (docs/secrets.md); credential files "
            "are CSI027's. One finding per token, naming its kind (`secret_kind`). Values are masked: at most "
            "four characters shown.")
@reads_layers
def check(image: Image, options: ImageOptions) -> Iterator[ImageHit]:
    yield from sighting_hits(image, TOKEN, options)
