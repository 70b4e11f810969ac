from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, sequence
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

# The namespaced sysctls Pod Security Standards baseline allows.
SAFE_SYSCTLS = frozenset({
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
})


@rule(id="CSK016", slug="unsafe-sysctls", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV026", "unsafe-sysctls"),
      summary="Pod sets a sysctl outside the safe set",
      why="Sysctls outside the namespaced safe set change the node's kernel for every pod on it, or weaken "
          "isolation. Pod Security Standards baseline forbids them.",
      bad=pod(pod_spec="securityContext:\n  sysctls:\n    - name: kernel.msgmax\n      value: \"65536\""),
      good=pod(pod_spec="securityContext:\n  sysctls:\n    - name: net.ipv4.tcp_syncookies\n      value: \"1\""),
      notes="PSS baseline.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        for index, sysctl in enumerate(sequence(workload.security_context.get("sysctls"))):
            name = mapping(sysctl).get("name")
            if isinstance(name, str) and name not in SAFE_SYSCTLS:
                yield ManifestHit(f"the pod sets sysctl {name}, outside the safe set: remove it",
                                  workload.object, workload.field("securityContext", "sysctls", index))
