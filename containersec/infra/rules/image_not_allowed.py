from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._images import deployed, image_matches
from containersec.infra.rules._pods import pod


@rule(id="CSK043", slug="deployed-image-not-allowed", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      summary="Container image is not on the allow-list",
      why="An allow-list keeps deployments on images the organisation builds, patches and supports; the same "
          "`allowed-images` globs judge the Dockerfile's FROM (CSD006).",
      bad="# allowed-images: ['registry.example.com/*']\n" + pod().replace("registry.example.com/web", "docker.io/web"),
      good="# allowed-images: ['registry.example.com/*']\n" + pod(),
      notes="Off until `allowed-images` is configured. Globs match the normalised reference "
            "(`docker.io/library/nginx:1.27`) or the reference as written.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    allowed = options.shared.allowed_images
    if not allowed:
        return
    for container, image, _ in deployed(bundle):
        if not image_matches(image, allowed):
            yield container_hit(container, f"container {container.name!r} deploys {image!r}, which is not in "
                                           "allowed-images", "image")
