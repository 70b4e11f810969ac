"""`containersec pin FILE...`: pin every image a Dockerfile pulls to the digest its tag names today.

`FROM`, `COPY --from=<image>` and `RUN --mount=...,from=<image>` references (and the `image:` of Kubernetes
manifests, whose places the front door asks the infrastructure stage for) become `name:tag@sha256:<digest>`,
the digest of what the tag names (the index for a multi-arch image, so every platform stays pinned), asked for
with HEAD (cheap, not counted by Docker Hub's pull limit) and GET when HEAD gives no digest. Only the image
text changes; every other byte of the file is kept. `FROM ${ARG}` pins the default of the global `ARG` (the
value a build without `--build-arg` uses); `scratch`, stage names and other images written with a build
argument are left alone with a note. `--update` re-resolves references already pinned and replaces the digest
when the tag has moved.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from containersec.config import Config
from containersec.dockerfile.files import discover, read_source
from containersec.dockerfile.parse import parse_dockerfile
from containersec.findings import InputError, Report, Stage, StageSummary
from containersec.release.registry.client import NotFound, RegistryError, RegistryPool
from containersec.release.registry.credentials import CredentialError
from containersec.release.registry.reference import ReferenceError, parse_reference
from containersec.release.registry.settings import registry_settings

if TYPE_CHECKING:
    from containersec.dockerfile.model import Dockerfile

_BOM = "\ufeff"


@dataclass(frozen=True)
class ImageUse:
    """An image as written in the file, and where its text is."""

    text: str
    line: int
    start: int  # character offsets in Dockerfile.text
    end: int
    where: str  # FROM, COPY --from, RUN --mount, ARG (the default of a global ARG that a FROM names)


@dataclass(frozen=True)
class Pin:
    path: str
    line: int
    image: str
    pinned: str
    digest: str
    action: str  # pinned, updated, unchanged

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "image": self.image, "pinned": self.pinned,
                "digest": self.digest, "action": self.action}


def _token_after(text: str, start: int, end: int, prefix: str, value: str) -> tuple[int, int] | None:
    """Offsets of `value` written right after `prefix` (case-insensitive) and followed by a separator."""
    pattern = re.compile(rf"(?i:{prefix}){re.escape(value)}(?=[\s,\"']|$)")
    match = pattern.search(text, start, end)
    if match is None:
        return None
    return match.end() - len(value), match.end()


def image_uses(text: str, path: str, notes: list[str]) -> Iterator[ImageUse]:
    """Every image reference the file pulls, with its offsets; notes say what is left alone and why."""
    dockerfile = parse_dockerfile(text, path)
    defaults = _arg_defaults(dockerfile, text)
    pinned_defaults: set[str] = set()
    for stage in dockerfile.stages:
        instruction = stage.instruction
        if stage.parent is not None:
            notes.append(f"{path}:{stage.line}: FROM {stage.base} names an earlier stage; nothing to pin")
        elif stage.base.lower() == "scratch":
            notes.append(f"{path}:{stage.line}: FROM scratch is not an image; nothing to pin")
        elif (name := _only_variable(stage.base)) in defaults:
            if name not in pinned_defaults:
                pinned_defaults.add(name)
                yield defaults[name]
        elif "$" in stage.base:
            notes.append(f"{path}:{stage.line}: FROM {stage.base} is set by a build argument; left alone "
                         "(pin the argument's value instead)")
        elif (span := _token_after(text, instruction.start, instruction.end, r"\s", stage.base)) is not None:
            yield ImageUse(stage.base, stage.line, *span, "FROM")
    for instruction in dockerfile.instructions:
        target = instruction.effective
        if target.keyword == "COPY":
            sources = [(value, r"--from=") for value in target.flag_values("from")]
        elif target.keyword == "RUN":
            sources = [(part[5:], r"(?<=[=,])from=") for mount in target.flag_values("mount")
                       for part in mount.split(",") if part.startswith("from=")]
        else:
            continue
        for value, prefix in sources:
            if (dockerfile.stage_named(value, before=instruction.stage.index if instruction.stage else None)
                    or value.isdigit()):
                continue  # a stage of this file, by name or index
            if "$" in value:
                notes.append(f"{path}:{instruction.line}: {target.keyword} from {value} is set by a build "
                             "argument; left alone")
                continue
            span = _token_after(text, instruction.start, instruction.end, prefix, value)
            if span is not None:
                yield ImageUse(value, instruction.line, *span, f"{target.keyword} --from")


_ONLY_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def _only_variable(text: str) -> str | None:
    """`BASE` for `${BASE}` or `$BASE`: an image given wholly by one build argument."""
    match = _ONLY_VARIABLE.fullmatch(text)
    return None if match is None else match[1] or match[2]


def _arg_defaults(dockerfile: Dockerfile, text: str) -> dict[str, ImageUse]:
    """Global `ARG NAME=image` defaults written without variables, by name, with the default's offsets."""
    uses: dict[str, ImageUse] = {}
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword != "ARG":
            continue
        for name, value, line in instruction.pairs:
            value = (value or "").strip("\"'")
            if not value or "$" in value:
                continue
            span = _token_after(text, instruction.start, instruction.end, rf"\b{re.escape(name)}=[\"']?", value)
            if span is not None:
                uses[name] = ImageUse(value, line, *span, "ARG")
    return uses


class Resolver:
    """Tag -> digest, once per reference per run."""

    def __init__(self, pool: RegistryPool) -> None:
        self.pool = pool
        self._known: dict[str, str] = {}

    def digest(self, host: str, repository: str, tag: str) -> str:
        key = f"{host}/{repository}:{tag}"
        if key not in self._known:
            registry = self.pool[host]
            try:
                digest = registry.head_digest(repository, tag)
            except NotFound:
                raise
            except RegistryError:
                digest = None  # some registries refuse HEAD; GET answers the same question
            self._known[key] = digest or registry.manifest(repository, tag).digest
        return self._known[key]


def pin_text(text: str, path: str, resolver: Resolver, *, update: bool, notes: list[str],
             errors: list[InputError], uses: Iterable[ImageUse] | None = None) -> tuple[str, list[Pin]]:
    """The file with its images pinned (those of a Dockerfile, or the `uses` given), and what was done to each."""
    pins: list[Pin] = []
    replacements: list[tuple[int, int, str]] = []
    for use in image_uses(text, path, notes) if uses is None else uses:
        try:
            reference = parse_reference(use.text)
        except ReferenceError as exc:
            errors.append(InputError(path, f"line {use.line}: {exc}", Stage.RELEASE))
            continue
        if reference.digest and not update:
            continue
        if reference.digest and not reference.tag:
            notes.append(f"{path}:{use.line}: {use.text} is pinned by digest alone; no tag to re-resolve")
            continue
        tag = reference.tag or "latest"
        try:
            digest = resolver.digest(reference.api_host, reference.repository, tag)
        except (RegistryError, CredentialError) as exc:
            errors.append(InputError(path, f"line {use.line}: cannot resolve {use.text}: {exc}", Stage.RELEASE))
            continue
        name = use.text.partition("@")[0]
        pinned = f"{name if reference.tag else name + ':latest'}@{digest}"
        action = "unchanged" if reference.digest == digest else "updated" if reference.digest else "pinned"
        pins.append(Pin(path, use.line, use.text, pinned, digest, action))
        if pinned != use.text:
            replacements.append((use.start, use.end, pinned))
    for start, end, replacement in sorted(replacements, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, pins


def _write_keeping_bom(path: str, text: str) -> None:
    with open(path, "rb") as handle:
        had_bom = handle.read(3) == _BOM.encode("utf-8")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write((_BOM if had_bom else "") + text)


# (text, path, notes) -> (image, line, start, end) of each image reference in another kind of file
ImageSpans = Callable[[str, str, list[str]], Iterable[tuple[str, int, int, int]]]


def pin_paths(paths: list[str], config: Config, *, update: bool = False,
              environ: Mapping[str, str] | None = None, others: Sequence[str] = (),
              spans_of: ImageSpans | None = None) -> Report:
    """Resolve and write the pins of every Dockerfile under `paths` (".", when neither they nor `others` are
    given), and of the files `others` whose image references `spans_of` finds (Kubernetes manifests, found by
    the stage that reads them); unreadable files become errors."""
    settings = registry_settings(config)
    resolver = Resolver(settings.pool((), environ))
    files, errors = discover(paths or ([] if others else ["."]), config.exclude)
    report = Report(stages=(Stage.RELEASE,), errors=[InputError(e.path, e.message, Stage.RELEASE) for e in errors])
    pins: list[Pin] = []
    for path in [*files, *others]:
        source = read_source(path)
        if source.text is None:
            report.errors.append(InputError(path, source.error or "cannot read", Stage.RELEASE))
            continue
        report.files += 1
        uses = None
        if path in others and spans_of is not None:
            uses = [ImageUse(image, line, start, end, "image") for image, line, start, end
                    in spans_of(source.text, path, report.notices)]
        text, found = pin_text(source.text, path, resolver, update=update, notes=report.notices,
                               errors=report.errors, uses=uses)
        pins.extend(found)
        if text != source.text:
            try:
                _write_keeping_bom(path, text)
            except OSError as exc:
                report.errors.append(InputError(path, f"cannot write: {exc.strerror}", Stage.RELEASE))
    report.extra["pins"] = [pin.to_json() for pin in pins]
    rows = tuple((f"{pin.path}:{pin.line}", f"{pin.action}: {pin.pinned}") for pin in pins)
    report.summaries.append(StageSummary(Stage.RELEASE, f"{len(pins)} image references resolved", rows))
    done = Counter(pin.action for pin in pins)
    report.footer = (f"{done['pinned']} pinned, {done['updated']} updated, {done['unchanged']} unchanged "
                     f"in {report.files} file{'' if report.files == 1 else 's'}")
    report.sort()
    return report
