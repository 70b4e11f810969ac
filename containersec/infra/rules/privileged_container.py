from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK001", slug="privileged-container", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_16", "CKV_K8S_2", "KSV017", "privileged-container", "runAsPrivileged",
               "container-security-context-privileged"),
      summary="Container runs privileged",
      why="A privileged container has every capability and every host device: escaping to the node is a "
          "matter of mounting its disk. Pod Security Standards baseline forbids it.",
      bad=pod("securityContext:\n  privileged: true"),
      good=pod("securityContext:\n  privileged: false"),
      notes="PSS baseline. Init and ephemeral containers are checked as well.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        if container.security_context.get("privileged") is True:
            yield container_hit(container, f"container {container.name!r} runs privileged: remove "
                                           "securityContext.privileged", "securityContext", "privileged")
