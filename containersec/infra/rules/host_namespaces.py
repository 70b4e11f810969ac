from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

NAMESPACES = {"hostNetwork": "network", "hostPID": "process", "hostIPC": "IPC"}


@rule(id="CSK017", slug="host-namespaces", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19", "CKV_K8S_1", "CKV_K8S_3", "CKV_K8S_4", "KSV008", "KSV009",
               "KSV010", "host-network", "host-pid", "host-ipc", "hostNetworkSet", "hostPIDSet", "hostIPCSet"),
      summary="Pod shares the node's network, process or IPC namespace",
      why="hostNetwork lets the pod listen on and sniff the node's interfaces and reach services bound to "
          "localhost; hostPID lets it see and signal every process on the node; hostIPC lets it read other "
          "processes' shared memory. Pod Security Standards baseline forbids all three.",
      bad=pod(pod_spec="hostNetwork: true"),
      good=pod(pod_spec="hostNetwork: false"),
      notes="PSS baseline.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        for key, what in NAMESPACES.items():
            if workload.spec.get(key) is True:
                yield ManifestHit(f"the pod shares the node's {what} namespace ({key}: true): remove it",
                                  workload.object, workload.field(key))
