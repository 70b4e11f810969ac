"""The resources rules' shared check: requests and limits of one resource on every long-running container."""

from __future__ import annotations

from collections.abc import Iterator

from containersec.infra.model import Bundle, ManifestHit, container_hit, mapping


def missing(bundle: Bundle, resource: str) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        if container.group == "ephemeralContainers":  # debugging containers take no resources
            continue
        resources = mapping(container.data.get("resources"))
        absent = [kind for kind in ("requests", "limits") if resource not in mapping(resources.get(kind))]
        if absent:
            where = ("resources",) if resources else ()
            yield container_hit(container, f"container {container.name!r} sets no {resource} "
                                           f"{' or '.join(absent)}: set resources.{absent[0]}.{resource}", *where)
