"""Image references (`registry/repository[:tag][@digest]`) as Docker reads them, and allow-list matching."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

DOCKER_HUB = "docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference: `registry/repository[:tag][@digest]` with Docker's defaults applied."""

    registry: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def normalised(self) -> str:
        """`docker.io/library/alpine:latest` for `alpine`: the form allow-lists match."""
        text = f"{self.registry}/{self.repository}"
        if self.tag is not None or self.digest is None:
            text += f":{self.tag or 'latest'}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


def parse_image(reference: str) -> ImageRef:
    name, _, digest = reference.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, repository = first.lower(), rest
    else:
        registry, repository = DOCKER_HUB, name
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
        if "/" not in repository:
            repository = f"library/{repository}"
    return ImageRef(registry, repository, tag, digest or None)


def registry_matches(registry: str, patterns: list[str]) -> bool:
    """Whether `registry` is one of `patterns` (`*.gcr.io` and `*` wildcards; Docker Hub aliases equal)."""
    for pattern in patterns:
        wanted = pattern.strip().lower()
        if wanted in _HUB_ALIASES:
            wanted = DOCKER_HUB
        if fnmatchcase(registry, wanted):
            return True
    return False


def image_matches(image: str, patterns: list[str]) -> bool:
    """Whether an image matches an allow-list glob, written against its normalised or its given form."""
    normalised = parse_image(image).normalised
    return any(fnmatchcase(normalised, p) or fnmatchcase(image, p) for p in patterns)
