"""Build-stage rules run over the image history: each hit says which history entry it came from."""

from collections.abc import Iterator, Sequence

from containersec.test.image.history import as_instruction, describe
from containersec.test.image.model import Image, ImageHit
from containersec.test.image.options import ImageOptions


def history_hits(image: Image, build_rules: Sequence[str], options: ImageOptions, *,
                 skip_keywords: frozenset[str] = frozenset()) -> Iterator[ImageHit]:
    for entry, message in image.history.hits(build_rules, options.rule_options):
        instruction = as_instruction(entry.created_by)
        if instruction is None or instruction.keyword not in skip_keywords:
            yield ImageHit(f"{describe(entry)}: {message}", history=entry.index, layer=entry.layer)
