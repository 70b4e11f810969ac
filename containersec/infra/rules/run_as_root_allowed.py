from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK003", slug="run-as-root-allowed", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_23", "CKV_K8S_6", "KSV012", "run-as-non-root", "runAsRootAllowed",
               "container-security-context-user-group-id"),
      summary="Container may run as root",
      why="Root in a container is root on the node's kernel: every escape bug starts from more privilege. "
          "`runAsNonRoot: true` makes the kubelet refuse to start a container whose user is 0.",
      bad=pod(),
      good=pod("securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001"),
      notes="PSS restricted. The container's setting wins over the pod's; a non-zero `runAsUser` also "
            "passes, as in kube-linter and Polaris.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        non_root, where = container.setting("runAsNonRoot")
        user, _ = container.setting("runAsUser")
        if non_root is True or (isinstance(user, int) and not isinstance(user, bool) and user > 0):
            continue
        yield setting_hit(container, f"container {container.name!r} may run as root: set "
                                     "securityContext.runAsNonRoot: true (and a non-zero runAsUser)", where)
