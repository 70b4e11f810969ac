from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import capabilities, pod


@rule(id="CSK010", slug="net-raw-capability", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_28", "CKV_K8S_7", "KSV119", "drop-net-raw-capability"),
      summary="Container keeps the NET_RAW capability",
      why="NET_RAW, in the runtime's default set, lets a process forge packets: ARP and DNS spoofing of its "
          "neighbours on the node's network. Few programs need it (ping does, and has alternatives).",
      bad=pod(),
      good=pod("securityContext:\n  capabilities:\n    drop: [NET_RAW]"),
      notes="Passes when NET_RAW or ALL is dropped and NET_RAW is not added back.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        added = [index for index, name in capabilities(container, "add") if name in ("NET_RAW", "ALL")]
        dropped = {name for _, name in capabilities(container, "drop")}
        if added:
            yield container_hit(container, f"container {container.name!r} adds NET_RAW: remove it",
                                "securityContext", "capabilities", "add", added[0])
        elif not dropped & {"NET_RAW", "ALL"}:
            yield container_hit(container, f"container {container.name!r} keeps NET_RAW: add it (or ALL) to "
                                           "securityContext.capabilities.drop")
