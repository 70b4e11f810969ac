"""The images the manifests deploy, with the file, line and column each reference is written at, and findings
about those references (a registry audit's) moved onto those lines."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from containersec.findings import Finding
from containersec.infra.model import Bundle, Container


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

    def to_json(self) -> dict[str, object]:
        return {"reference": self.reference, "path": self.path, "line": self.line, "column": self.column,
                "object": self.object_json()}


def images_of(bundle: Bundle) -> list[DeployedImage]:
    """Every container image of the bundle, in file order."""
    images = []
    for container in bundle.containers():
        if container.image is not None:
            path, line, column = container.workload.object.location((*container.path, "image"))
            images.append(DeployedImage(container.image, container, path, line, column))
    images.sort(key=lambda image: (image.path, image.line, image.column))
    return images


def on_manifest_lines(findings: Sequence[Finding], images: Sequence[dict[str, object]]) -> list[Finding]:
    """Findings about image references (a registry audit's, whose path is the reference audited) placed on each
    manifest line that deploys that reference (`images`: the JSON form of DeployedImage), with the object;
    findings about other references are dropped."""
    by_reference: dict[object, list[dict[str, object]]] = {}
    for image in images:
        by_reference.setdefault(image["reference"], []).append(image)
    placed = []
    for finding in findings:
        for image in by_reference.get(finding.path, ()):
            line = int(str(image["line"]))
            container = dict(image["object"]).get("container")  # type: ignore[call-overload]
            placed.append(dataclasses.replace(
                finding, path=str(image["path"]), line=line, end_line=line, column=int(str(image["column"])),
                message=f"{image['reference']} (deployed by container {container!r}): {finding.message}",
                extra={**finding.extra, "object": image["object"]}))
    return placed
