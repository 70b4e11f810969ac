from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit, mapping, sequence
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK018", slug="host-port", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_26", "KSV024", "hostPortSet"),
      summary="Container binds a port on the node (hostPort)",
      why="A hostPort opens the node's own address to the container, bypassing the Service and NetworkPolicy "
          "model, and pins the pod to nodes where the port is free. Pod Security Standards baseline forbids "
          "it.",
      bad=pod("ports:\n  - containerPort: 8080\n    hostPort: 8080"),
      good=pod("ports:\n  - containerPort: 8080"),
      notes="PSS baseline. `hostPort: 0` (unset) passes.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        for index, port in enumerate(sequence(container.data.get("ports"))):
            host_port = mapping(port).get("hostPort")
            if host_port not in (None, 0, "0"):
                yield container_hit(container, f"container {container.name!r} binds port {host_port} on the node: "
                                               "expose it through a Service instead", "ports", index, "hostPort")
