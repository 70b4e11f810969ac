"""Helpers of the pod and container rules: example manifests, legacy annotations, capability names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from containersec.infra.model import Bundle, Container, ManifestHit, container_hit, mapping, sequence

_POD_HEADER = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n"


def pod(container: str = "", pod_spec: str = "") -> str:
    """An example Pod manifest for the rule docs: `container` lines go under its one container, `pod_spec`
    lines under the pod's spec."""
    spec = "".join(f"  {line}\n" for line in pod_spec.splitlines())
    body = "".join(f"      {line}\n" for line in container.splitlines())
    return (f"{_POD_HEADER}spec:\n{spec}  containers:\n    - name: web\n"
            f"      image: registry.example.com/web:1.4.2@sha256:{'0' * 64}\n{body}").rstrip("\n")


def annotation_path(container: Container, key: str) -> tuple[str | int, ...]:
    workload = container.workload
    metadata = ("metadata",) if workload.spec_path == ("spec",) else (*workload.spec_path[:-1], "metadata")
    return (*metadata, "annotations", key)


def capabilities(container: Container, key: str) -> list[tuple[int, str]]:
    """(index, NAME) of `capabilities.add` or `.drop`, upper-cased and without a `CAP_` prefix."""
    listed = sequence(mapping(container.security_context.get("capabilities")).get(key))
    return [(index, str(name).upper().removeprefix("CAP_")) for index, name in enumerate(listed)]


def legacy_annotation(container: Container, prefix: str, pod_key: str | None = None) -> tuple[Any, str] | None:
    """A pre-1.19 `<prefix>/<container>` annotation (or the pod-wide `pod_key`) on the pod template, with its key."""
    annotations = container.workload.pod_annotations
    for key in (f"{prefix}/{container.name}", pod_key):
        if key and key in annotations:
            return annotations[key], key
    return None


def unless_set(bundle: Bundle, key: str, wanted: object, problem: str) -> Iterator[ManifestHit]:
    """A hit on each container whose securityContext `key` is not `wanted`: on the field where it is set
    otherwise, on the container where it is missing (Kubernetes' default being the unsafe side)."""
    for container in bundle.containers():
        setting = container.security_context.get(key)
        if setting != wanted or type(setting) is not type(wanted):
            where = ("securityContext", key) if setting is not None else ()
            yield container_hit(container, f"container {container.name!r} {problem}: set securityContext.{key}: "
                                           f"{str(wanted).lower()}", *where)
