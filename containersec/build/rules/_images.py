"""Shared helpers of the images, stages and instructions rules: the images a build pulls, COPY/ADD arguments,
inherited stage state and text offsets for fixes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from containersec.catalogue import Hit
from containersec.dockerfile.model import Dockerfile, Instruction, Stage
from containersec.dockerfile.variables import has_variable, referenced_names, substitute
from containersec.images import ImageRef, parse_image
from containersec.patterns import LazyPattern

_MOUNT_FROM = LazyPattern(r"(?:^|,)from=([^,]++)")


def resolve(dockerfile: Dockerfile, text: str, stage: Stage | None) -> str:
    """`dockerfile.resolve`, skipped for text without `$` (collecting the stage's values is the costly part)."""
    return dockerfile.resolve(text, stage) if "$" in text else text


def external_base(dockerfile: Dockerfile, stage: Stage, *, registry_may_vary: bool = False) -> str | None:
    """The image a stage's FROM pulls, or None for `scratch`, an earlier stage or an unresolved variable.

    A name no global ARG declares is empty, as BuildKit expands it (`FROM alpine$TAG` pulls `alpine`).
    With `registry_may_vary`, a variable confined to the registry part (`${REGISTRY}/ubuntu`) is kept: the
    repository's tag and digest can still be judged.
    """
    image = stage.image
    if has_variable(image):
        undeclared = {name: "" for name in referenced_names(image) if name not in dockerfile.global_args}
        image = substitute(image, undeclared)
    if not image or stage.parent is not None or image.lower() == "scratch":
        return None
    if has_variable(image):
        registry, slash, rest = image.partition("/")
        if not (registry_may_vary and slash and rest and has_variable(registry) and not has_variable(rest)):
            return None
    return image


def pulled_bases(dockerfile: Dockerfile) -> Iterator[tuple[Stage, str, ImageRef]]:
    """Each stage whose FROM pulls an image whose tag and digest can be judged, with that image parsed."""
    for stage in dockerfile.stages:
        image = external_base(dockerfile, stage, registry_may_vary=True)
        if image is not None:
            yield stage, image, parse_image(image)


def is_stage_reference(dockerfile: Dockerfile, name: str) -> bool:
    """Whether `--from=name` names a stage (by alias or index) rather than an image."""
    return dockerfile.stage_named(name) is not None or name.isdigit()


def external_images(dockerfile: Dockerfile) -> Iterator[tuple[str, Instruction]]:
    """Every image the build pulls: FROM, `COPY --from=<image>` and `RUN --mount=...,from=<image>`."""
    for stage in dockerfile.stages:
        image = external_base(dockerfile, stage)
        if image is not None:
            yield image, stage.instruction
    for keyword in ("COPY", "RUN"):
        for instruction in dockerfile.all(keyword, onbuild=True):
            if keyword == "COPY":
                sources = instruction.flag_values("from")
            else:
                sources = [m[1] for value in instruction.flag_values("mount") for m in _MOUNT_FROM.finditer(value)]
            for source in sources:
                image = resolve(dockerfile, source.strip("\"'"), instruction.stage)
                if image and not has_variable(image) and not is_stage_reference(dockerfile, image):
                    yield image, instruction


# --- COPY / ADD arguments ------------------------------------------------------------------------------

def copy_arguments(instruction: Instruction) -> list[str]:
    """Sources then destination of a COPY or ADD (quotes removed), from the JSON or the shell form."""
    if instruction.exec_form is not None:
        return list(instruction.exec_form)
    return [word.text for word in instruction.words()]


def sources_and_destination(instruction: Instruction) -> tuple[list[str], str] | None:
    """(sources, destination) of a COPY/ADD, or None for heredoc sources or too few arguments."""
    words = copy_arguments(instruction)
    if len(words) < 2 or any(w.startswith("<<") for w in words):
        return None
    return words[:-1], words[-1]


# --- stage state --------------------------------------------------------------------------------------

def lineage_has(stage: Stage, keyword: str) -> bool:
    """Whether the stage or a stage it is built FROM has an instruction with `keyword`."""
    return any(s.all(keyword) for s in stage.ancestry())


def final_user(dockerfile: Dockerfile) -> tuple[Stage, Instruction] | None:
    """The USER in force in the final image: the last one the final stage or the stages it is built on run
    (an ONBUILD USER of a parent included, which fires in its child), with its stage; None when none does."""
    final = dockerfile.final_stage
    for stage in final.ancestry() if final is not None else ():
        users = [i for i in stage.executed() if i.keyword == "USER"]
        if users:
            return stage, users[-1]
    return None


def repeated(dockerfile: Dockerfile, keyword: str) -> Iterator[Hit]:
    """A hit on each repetition of `keyword` within a stage: only the last one takes effect."""
    for stage in dockerfile.stages:
        for earlier, later in pairwise(stage.all(keyword)):
            yield Hit(f"{keyword} on line {later.line} replaces the one on line {earlier.line}: keep only one "
                      f"{keyword} per stage", later.line)


# --- fixes ---------------------------------------------------------------------------------------------

def keyword_span(instruction: Instruction, keyword: str) -> tuple[int, int] | None:
    """Offsets in Dockerfile.text of `keyword` as written on the instruction's first line."""
    first_line_length = instruction.line_map.starts[1] if len(instruction.line_map.starts) > 1 else len(
        instruction.logical)
    at = instruction.logical.upper().find(keyword, 0, first_line_length)
    if at < 0:
        return None
    return instruction.start + at, instruction.start + at + len(keyword)


_REMOTE = LazyPattern(r"(?:https?|git|ssh)://|git@", re.IGNORECASE)
_TAR_ARCHIVE = LazyPattern(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$", re.IGNORECASE)
# ADD also extracts these when they hold a tar stream, which a name cannot rule out.
_COMPRESSED = LazyPattern(r"\.(?:gz|bz2|xz|tar\.zst|tzst|zst)$", re.IGNORECASE)
_USERINFO = LazyPattern(r"(?<=://)[^/@\s]++@")


def is_remote(source: str) -> bool:
    """A URL or git reference that ADD downloads."""
    return _REMOTE.match(source) is not None


def is_tar_archive(source: str) -> bool:
    return _TAR_ARCHIVE.search(source) is not None


def is_extractable(source: str) -> bool:
    """A local file ADD may unpack: a tar archive, possibly compressed."""
    return is_tar_archive(source) or _COMPRESSED.search(source) is not None


def mask_url(url: str) -> str:
    """A URL with any `user:password@` replaced, for messages."""
    return _USERINFO.sub("***@", url)


def text_offset(dockerfile: Dockerfile, line: int, column: int = 1) -> int:
    """Character offset in Dockerfile.text of a 1-based line and column."""
    return sum(len(text) + 1 for text in dockerfile.text.split("\n")[:line - 1]) + column - 1


# --- EXPOSE --------------------------------------------------------------------------------------------

_PORT_SPEC = LazyPattern(r"(?P<low>\d++)(?:-(?P<high>\d++))?(?:/(?P<protocol>[A-Za-z]++))?")


@dataclass(frozen=True)
class PortSpec:
    """One EXPOSE port spec as written, with its range and protocol when it is a valid spec."""

    text: str  # as written
    low: int | None  # None when the text is not a port spec
    high: int | None
    protocol: str


def exposed_ports(dockerfile: Dockerfile, instruction: Instruction) -> Iterator[PortSpec]:
    """EXPOSE's port specs with ARG/ENV defaults substituted; those still holding a variable are skipped."""
    for word in instruction.words():
        text = resolve(dockerfile, word.text, instruction.stage)
        if has_variable(text):
            continue
        for part in text.split():
            match = _PORT_SPEC.fullmatch(part)
            if match is None:
                yield PortSpec(part, None, None, "")
                continue
            low = int(match["low"])
            high = int(match["high"]) if match["high"] else low
            yield PortSpec(part, low, high, (match["protocol"] or "tcp").lower())
