"""Volumes of a pod, and the hostPath ones with the runtime sockets among them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from containersec.infra.model import FieldPath, Workload, mapping, sequence

RUNTIME_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd/containerd.sock",
                   "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock",
                   "/var/run/cri-dockerd.sock", "/var/run", "/run", "/var/run/docker", "/run/containerd")


def volumes(workload: Workload) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, volume in enumerate(sequence(workload.spec.get("volumes"))):
        if isinstance(volume, dict):
            yield index, volume


def host_paths(workload: Workload) -> Iterator[tuple[str, FieldPath]]:
    """(path, where its `path` is written) of each hostPath volume."""
    for index, volume in volumes(workload):
        host_path = mapping(volume.get("hostPath"))
        path = host_path.get("path")
        if "hostPath" in volume:
            yield (str(path) if path is not None else ""), workload.field("volumes", index, "hostPath", "path")


def is_runtime_socket(path: str) -> bool:
    """The container runtime's socket, or a folder that holds it."""
    normalised = "/" + path.strip("/") if path.strip("/") else "/"
    return normalised in RUNTIME_SOCKETS or normalised == "/"
