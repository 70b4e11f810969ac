"""The images the manifests deploy, with the file, line and column each reference is written at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from containersec.config import Config
from containersec.findings import InputError
from containersec.infra.engine import read_bundle
from containersec.infra.model import Container
from containersec.infra.options import k8s_options
from containersec.infra.source import STDIN


@dataclass(frozen=True)
class DeployedImage:
    """One `image:` of one container, where it is written."""

    reference: str
    container: Container
    path: str
    line: int
    column: int

    def object_json(self) -> dict[str, object]:
        obj = self.container.workload.object
        return {"kind": obj.kind, "namespace": obj.namespace, "name": obj.name, "container": self.container.name}


def deployed_images(paths: Sequence[str], config: Config, *, kustomize: bool = False,
                    stdin_name: str = STDIN) -> tuple[list[DeployedImage], list[InputError], dict[str, str]]:
    """Every container image of the inputs, in file order, the errors of inputs that could not be read, and
    the texts read (for reporters that quote lines)."""
    bundle, loaded = read_bundle(paths, config, k8s_options(config), kustomize=kustomize, stdin_name=stdin_name)
    images = []
    for container in bundle.containers():
        if container.image is not None:
            path, line, column = container.workload.object.location((*container.path, "image"))
            images.append(DeployedImage(container.image, container, path, line, column))
    images.sort(key=lambda image: (image.path, image.line, image.column))
    return images, loaded.errors, loaded.sources
