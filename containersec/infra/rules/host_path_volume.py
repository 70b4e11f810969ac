from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod
from containersec.infra.rules._volumes import host_paths, is_runtime_socket


@rule(id="CSK019", slug="host-path-volume", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV023", "hostPathSet", "sensitive-host-mounts", "writable-host-mount"),
      summary="Pod mounts a directory of the node (hostPath)",
      why="A hostPath volume reaches past the container's filesystem into the node's: logs of other pods, "
          "kubelet credentials, the runtime. Pod Security Standards baseline forbids it.",
      bad=pod(pod_spec="volumes:\n  - name: logs\n    hostPath:\n      path: /var/log"),
      good=pod(pod_spec="volumes:\n  - name: scratch\n    emptyDir: {}"),
      notes="PSS baseline. The runtime's socket (and the folders holding it) are reported by CSK020 instead.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        for path, where in host_paths(workload):
            if not is_runtime_socket(path):
                yield ManifestHit(f"the pod mounts {path or 'a path'} of the node (hostPath): use another volume "
                                  "type", workload.object, where)
