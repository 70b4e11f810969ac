"""The images the manifests deploy, with the file, line and column each reference is written at, and findings
about those references (a registry audit's) moved onto those lines."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from containersec.findings import Finding
from containersec.infra.model import Bundle, Container, object_ref


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
            deployer = dict(image["object"])  # type: ignore[call-overload]
            by = object_ref(deployer["kind"], deployer["namespace"], deployer["name"])
            placed.append(dataclasses.replace(
                finding, path=str(image["path"]), line=line, end_line=line, column=int(str(image["column"])),
                message=f"{image['reference']} (deployed by container {deployer['container']!r} of {by}): "
                        f"{finding.message}",
                extra={**finding.extra, "object": image["object"]}))
    return placed


def image_spans(text: str, path: str, notes: list[str]) -> list[tuple[str, int, int, int]]:
    """(reference, line, start, end) of every container `image:` value in a manifest's text, as character
    offsets, for rewriting it in place (`containersec pin`); values that are not one plain or quoted line, or
    hold a template placeholder, are left alone with a note. Unreadable text yields nothing."""
    from containersec.infra.source import containers_in
    from containersec.infra.yamldoc import Map

    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    spans = []
    for container in containers_in(text, path):
        image, data = container.image, container.data
        if image is None or not isinstance(data, Map) or "image" not in data.values_at:
            continue
        line, column = data.values_at["image"]
        start = starts[line - 1] + column - 1
        if text[start:start + 1] in ("'", '"'):
            start += 1
        if text[start:start + len(image)] != image or any(mark in image for mark in ("{{", "$(", "${")):
            notes.append(f"{path}:{line}: image {image} is not written as one plain value; left alone")
            continue
        spans.append((image, line, start, start + len(image)))
    return spans
