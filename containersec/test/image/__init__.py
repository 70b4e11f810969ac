"""The test stage's image checks: a built image's config and filesystem, read without a daemon.

Public: `config_findings` (config-only checks on an image config blob, as the registry audit pulls them) and
`check_images` (image tarballs and OCI layouts, config and every layer).
"""

from containersec.test.image.engine import check_images, config_findings

__all__ = ["check_images", "config_findings"]
