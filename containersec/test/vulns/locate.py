"""Which Dockerfile line put a vulnerable package into the image (research section 1.9).

The layer's diff ID indexes `rootfs.diff_ids`; the image's own layers are the last ones, one per RUN, COPY
or ADD of the final stage and the stages it is built on; the layers before them come from the base image.
A layer whose history says it was made by another kind of instruction than the one counting gives, or by a RUN
that no RUN of the Dockerfile matches, means the Dockerfile is not the image's: the finding stays on the report
and `mismatches` says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from containersec.dockerfile.parse import parse_dockerfile
from containersec.vulnerabilities.records import ImageConfig

LAYER_KEYWORDS = ("RUN", "COPY", "ADD")
_ARG_PREFIX = re.compile(r"^\|\d+(\s+\S+=\S*)*\s+")


@dataclass(frozen=True)
class Place:
    line: int
    end_line: int
    base: str | None  # the base image, when the package came with it
    instruction: str = ""  # the keyword of the instruction that added it, else ""


class Dockerfile:
    """The final stage of one Dockerfile, ready to place layers of images built from it."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        model = parse_dockerfile(text, path)
        final = model.final_stage
        self.final = final
        self.base_image: str | None = None
        self.own = []
        self.mismatches: list[str] = []
        if final is not None:
            chain = list(final.ancestry())[::-1]
            self.base_image = chain[0].image
            self.own = [i for stage in chain for i in stage.instructions if i.keyword in LAYER_KEYWORDS]

    def place(self, image: ImageConfig | None, layer: str | None) -> Place | None:
        if self.final is None or image is None or not layer or layer not in image.diff_ids:
            return None
        index = image.diff_ids.index(layer)
        from_line = self.final.instruction
        base_layers = len(image.diff_ids) - len(self.own)
        if base_layers < 0:
            # A squashed build (buildah without --layers): somewhere in the final stage.
            return Place(from_line.line, from_line.end_line, None, "")
        if index < base_layers:
            return Place(from_line.line, from_line.end_line, self.base_image)
        history = [h for h in image.history if h.get("empty_layer") is not True]
        created_by = str(history[index].get("created_by") or "") if index < len(history) else ""
        instruction = next((i for i in self.own if created_by and _describes(created_by, i.keyword, i.value)), None)
        if instruction is None:
            instruction = self.own[index - base_layers]
            made_by = _made_by(created_by)
            if made_by is not None and (made_by == "RUN" or made_by != instruction.keyword):
                mismatch = (f"layer {index} was made by a {made_by} that no {made_by} of the final stage matches "
                            f"(counting layers gives the {instruction.keyword} on line {instruction.line})")
                if mismatch not in self.mismatches:
                    self.mismatches.append(mismatch)
                return None
        return Place(instruction.line, instruction.end_line, None, instruction.keyword)


def _describes(created_by: str, keyword: str, value: str) -> bool:
    """Whether a history entry's `created_by` is this RUN (BuildKit, legacy builder and buildah forms)."""
    if keyword != "RUN":
        return False
    text = created_by.removesuffix("# buildkit").strip().removeprefix("RUN ").strip()
    text = _ARG_PREFIX.sub("", text)
    text = text.removeprefix("/bin/sh -c ").strip()
    if text.startswith("#(nop)"):
        return False
    return _squeeze(text) == _squeeze(value.removeprefix("/bin/sh -c "))


def _made_by(created_by: str) -> str | None:
    """RUN, COPY or ADD: the kind of instruction a history entry says made its layer; None when it does not say."""
    text = created_by.removesuffix("# buildkit").strip()
    if text.startswith(("RUN ", "COPY ", "ADD ")):
        return text.split(" ", 1)[0]
    text = _ARG_PREFIX.sub("", text).removeprefix("/bin/sh -c ").strip()
    if text.startswith("#(nop)"):
        word = text.removeprefix("#(nop)").split(maxsplit=1)
        return word[0] if word and word[0] in ("COPY", "ADD") else None
    return "RUN" if created_by.strip().startswith(("/bin/sh -c", "|")) else None


def _squeeze(text: str) -> str:
    return " ".join(text.replace("\\\n", " ").split())
