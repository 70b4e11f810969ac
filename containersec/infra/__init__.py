"""The infrastructure stage: Kubernetes manifests (files, directories, standard input, Kustomize renders).

Public: `check_manifests` (every rule over the objects of all inputs, as one bundle) and `deployed_images`
(the image references the manifests deploy, with where each is written). Loaded on first use, so importing
the package costs nothing to the other commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from containersec.infra.engine import check_manifests, deployed_images
    from containersec.infra.images import on_manifest_lines

_EXPORTS = {"check_manifests": "containersec.infra.engine", "deployed_images": "containersec.infra.engine",
            "on_manifest_lines": "containersec.infra.images"}
__all__ = ["check_manifests", "deployed_images", "on_manifest_lines"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)
