from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._images import deployed, registry_matches
from containersec.infra.rules._pods import pod


@rule(id="CSK042", slug="image-untrusted-registry", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV125", "KSV032", "KSV033", "KSV034", "KSV035"),
      summary="Container image comes from a registry that is not trusted",
      why="Images from registries outside the organisation's list bypass its scanning, signing and retention. "
          "The same `trusted-registries` list judges the Dockerfile's FROM (CSD005) and the manifest's `image:`.",
      bad="# trusted-registries: [registry.example.com]\n" + pod().replace("registry.example.com/web", "docker.io/web"),
      good="# trusted-registries: [registry.example.com]\n" + pod(),
      notes="Off until `trusted-registries` is configured (config file or `--trusted-registry`). Patterns may "
            "use `*.gcr.io` and `*`; docker.io, index.docker.io and registry-1.docker.io are the same.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    trusted = options.shared.trusted_registries
    if not trusted:
        return
    for container, image, reference in deployed(bundle):
        if not registry_matches(reference.registry, trusted):
            yield container_hit(container, f"container {container.name!r} deploys {image!r} from registry "
                                           f"{reference.registry!r}, which is not in trusted-registries "
                                           f"({', '.join(trusted)})", "image")
