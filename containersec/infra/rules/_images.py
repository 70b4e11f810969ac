"""The image each container deploys, parsed by the image-reference model every stage shares."""

from __future__ import annotations

from collections.abc import Iterator

from containersec.images import ImageRef, image_matches, parse_image, registry_matches
from containersec.infra.model import Bundle, Container

__all__ = ["ImageRef", "deployed", "image_matches", "parse_image", "registry_matches"]


def deployed(bundle: Bundle) -> Iterator[tuple[Container, str, ImageRef]]:
    """Each container with a literal image reference (a template placeholder left unrendered is skipped)."""
    for container in bundle.containers():
        image = container.image
        if image is not None and not any(mark in image for mark in ("{{", "$(", "${")):
            yield container, image, parse_image(image)
