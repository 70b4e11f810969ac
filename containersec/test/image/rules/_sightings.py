"""Secrets found in layer contents, reported where they are and, when a later layer deleted them, where they stay."""

from collections.abc import Iterator

from containersec.test.image.history import describe
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions


def sighting_hits(image: Image, category: str, options: ImageOptions) -> Iterator[ImageHit]:
    filesystem = image.filesystem
    assert filesystem is not None
    for sighting in filesystem.sightings:
        if sighting.category != category or options.file_accepted(sighting.path):
            continue
        what = f"{sighting.kind} '{sighting.masked}'" if sighting.masked else sighting.kind
        if filesystem.still_present(sighting.path, sighting.layer):
            where = f"in {sighting.path}"
        else:
            entry = image.config.entry_of_layer(sighting.layer)
            made_by = f" ({describe(entry).partition(' (')[2]}" if entry else ""
            where = (f"in {sighting.path}, deleted by a later layer but still extractable from layer "
                     f"{sighting.layer}{made_by}")
        yield ImageHit(f"{what} {where}: remove it from the layer that adds it and revoke it", path=sighting.path,
                       layer=sighting.layer, secret=True, secret_kind=sighting.kind_id or None)
