"""Example manifests of the network rules, and the isolation check both directions share."""

from __future__ import annotations

from collections.abc import Iterator

from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.network import isolated, policies
from containersec.infra.rules._pods import pod

WORKLOAD = pod().replace("  name: web\n", "  name: web\n  labels:\n    app: web\n")


def policy(spec: str, name: str = "web") -> str:
    body = "".join(f"  {line}\n" for line in spec.splitlines())
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: shop\n"
            f"spec:\n{body}").rstrip("\n")


def not_isolated(bundle: Bundle, direction: str) -> Iterator[ManifestHit]:
    found = policies(bundle)
    for workload in bundle.workloads:
        if workload.spec.get("hostNetwork") is True:
            continue  # NetworkPolicy does not apply to the node's network (CSK017 reports it)
        if not isolated(workload, found, direction):
            yield ManifestHit(f"no NetworkPolicy isolates {direction.lower()} of {workload.object.ref}'s pods: "
                              f"{'any pod can reach them' if direction == 'Ingress' else 'they can reach any address'}",
                              workload.object, ("metadata",) if "metadata" in workload.object.data else ())
