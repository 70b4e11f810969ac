from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._images import deployed
from containersec.infra.rules._pods import pod


@rule(id="CSK041", slug="image-not-pinned-by-digest", severity=Severity.INFO, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_43",),
      summary="Container image is not pinned by digest",
      why="A tag is mutable: whoever can push to the registry can change what the cluster runs at the next "
          "pull. A digest names exact bytes; `containersec pin` writes it for you (`name:tag@sha256:...`).",
      bad=pod().replace("@sha256:" + "0" * 64, ""),
      good=pod(),
      fixable=False,
      notes="`containersec pin deploy.yaml` resolves and writes the digests, as it does for FROM; "
            "`containersec pin --check` fails without network access.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container, image, reference in deployed(bundle):
        if reference.digest is None:
            yield container_hit(container, f"container {container.name!r} deploys {image!r} by tag: pin it by "
                                           f"digest ({image}@sha256:<digest>, `containersec pin` writes it)", "image")
