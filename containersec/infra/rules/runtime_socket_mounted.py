from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod
from containersec.infra.rules._volumes import host_paths, is_runtime_socket


@rule(id="CSK020", slug="runtime-socket-mounted", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_27", "KSV006", "docker-sock"),
      summary="Pod mounts the container runtime's socket (docker.sock, containerd.sock, crio.sock)",
      why="Whoever talks to the runtime socket can start a privileged container on the node: it is root on the "
          "node, and on the cluster from there.",
      bad=pod(pod_spec="volumes:\n  - name: docker\n    hostPath:\n      path: /var/run/docker.sock"),
      good=pod(pod_spec="volumes:\n  - name: scratch\n    emptyDir: {}"),
      notes="PSS baseline (as a hostPath volume). Also reported for /, /run and /var/run, which hold the sockets.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        for path, where in host_paths(workload):
            if is_runtime_socket(path):
                yield ManifestHit(f"the pod mounts {path} of the node, which holds the container runtime's socket: "
                                  "whoever can use it controls the node", workload.object, where)
