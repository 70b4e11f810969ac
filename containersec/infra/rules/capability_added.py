from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import capabilities, pod

# The runtime's default set, which Pod Security Standards baseline lets a container add back.
BASELINE_CAPABILITIES = frozenset({"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                                   "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})


@rule(id="CSK009", slug="capability-added", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_25", "CKV_K8S_24", "CKV_K8S_39", "KSV005", "KSV022", "KSV120", "dangerousCapabilities",
               "insecureCapabilities"),
      summary="Container adds a capability beyond the runtime's default set (SYS_ADMIN, NET_ADMIN, ALL, ...)",
      why="Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE or NET_ADMIN are most of root: loading "
          "kernel modules, mounting filesystems, reading other processes. Pod Security Standards baseline "
          "forbids adding any outside the default set.",
      bad=pod("securityContext:\n  capabilities:\n    add: [SYS_ADMIN]"),
      good=pod("securityContext:\n  capabilities:\n    drop: [ALL]"),
      notes="PSS baseline. Names are compared without a `CAP_` prefix and case-insensitively.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        for index, name in capabilities(container, "add"):
            if name not in BASELINE_CAPABILITIES:
                yield container_hit(container, f"container {container.name!r} adds capability {name}, outside the "
                                               "runtime's default set: remove it",
                                    "securityContext", "capabilities", "add", index)
