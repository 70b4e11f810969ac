"""Image references: `host[:port]/name[:tag][@digest]`, with Docker Hub's defaults.

Split by `containersec.images`, as FROM images are split (a first component with `.` or `:`, or `localhost`, is a host;
anything else lives on Docker Hub under `library/`), then validated; Docker Hub's API host is
`registry-1.docker.io`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from containersec.images import DOCKER_HUB, parse_image

DOCKER_HUB_API = "registry-1.docker.io"
DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/"
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128}")
_HOST = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?")


class ReferenceError(ValueError):
    """A reference that is not a valid image name."""


@dataclass(frozen=True)
class Reference:
    host: str  # as users write it: docker.io for Docker Hub
    repository: str  # library/alpine on Docker Hub
    tag: str | None = None
    digest: str | None = None

    @property
    def api_host(self) -> str:
        return DOCKER_HUB_API if self.host == DOCKER_HUB else self.host

    @property
    def name(self) -> str:
        return f"{self.host}/{self.repository}"

    @property
    def target(self) -> str | None:
        """What to ask the manifests endpoint for: the digest when there is one, else the tag."""
        return self.digest or self.tag

    def with_tag(self, tag: str) -> Reference:
        return Reference(self.host, self.repository, tag, None)

    def with_digest(self, digest: str) -> Reference:
        return Reference(self.host, self.repository, self.tag, digest)

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_reference(text: str) -> Reference:
    """Parse `text`; no tag and no digest means the repository itself (callers decide what that means)."""
    original = text
    text = text.strip()
    if not text or any(char.isspace() for char in text):
        raise ReferenceError(f"{original!r} is not an image reference")
    name, at, digest = text.partition("@")
    if at and not _DIGEST.fullmatch(digest):
        raise ReferenceError(f"{original!r}: {digest!r} is not a sha256 or sha512 digest")
    parsed = parse_image(name)
    host, repository, tag = parsed.registry, parsed.repository, parsed.tag
    if tag is not None and not _TAG.fullmatch(tag):
        raise ReferenceError(f"{original!r}: {tag!r} is not a valid tag")
    if host != DOCKER_HUB and not _HOST.fullmatch(host):
        raise ReferenceError(f"{original!r}: {host!r} is not a registry host")
    if not repository or not all(_COMPONENT.fullmatch(part) for part in repository.split("/")):
        raise ReferenceError(f"{original!r}: {repository!r} is not a repository name (lower-case letters, "
                             "digits and separators)")
    return Reference(host, repository, tag, digest or None)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, localhost and [::1], with or without a port: Docker speaks plain HTTP to them."""
    bare = host.rsplit(":", 1)[0] if not host.endswith("]") and host.count(":") == 1 else host
    bare = bare.split("]")[0].lstrip("[") if bare.startswith("[") else bare
    return bare == "localhost" or bare == "::1" or re.fullmatch(r"127(?:\.\d{1,3}){3}", bare) is not None
