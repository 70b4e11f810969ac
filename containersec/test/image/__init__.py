"""The test stage's image checks: a built image's config and filesystem, read without a daemon.

Public: `config_findings` (config-only checks on an image config blob, as the registry audit pulls them),
`check_images` (image tarballs and OCI layouts, config and every layer) and `list_contents` (what they hold).

The engine (archive and layer readers) is imported on first use: the catalogue imports this package's rules
for every command, `containersec lint` included, and that must stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from containersec.test.image.engine import check_images, config_findings, list_contents

__all__ = ["check_images", "config_findings", "list_contents"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from containersec.test.image import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
