from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._images import deployed
from containersec.infra.rules._pods import pod


@rule(id="CSK040", slug="image-latest", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_14", "KSV013", "latest-tag", "tagNotSpecified", "container-image-tag"),
      summary="Container image uses the `latest` tag or no tag",
      why="`latest` (which an untagged name means) moves: each node may pull a different image, a restart "
          "changes the software, and a rollback goes nowhere. Deploy a version tag, ideally with its digest.",
      bad=pod().replace("registry.example.com/web:1.4.2@sha256:" + "0" * 64, "registry.example.com/web"),
      good=pod(),
      notes="The same judgement as the Dockerfile's CSD002/CSD003 on FROM: a reference pinned by digest "
            "passes whatever its tag.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container, image, reference in deployed(bundle):
        if reference.digest is None and reference.tag in (None, "latest"):
            what = "the 'latest' tag" if reference.tag else "no tag (so 'latest')"
            yield container_hit(container, f"container {container.name!r} deploys {image!r} with {what}: deploy a "
                                           "version tag and its digest", "image")
