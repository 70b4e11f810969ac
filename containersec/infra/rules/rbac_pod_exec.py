from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import role_rules
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._rbac import example, role_hit


@rule(id="CSK062", slug="rbac-pod-exec", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV053", "KSV054", "CKV2_K8S_2", "clusterrolePodExecAttach", "rolePodExecAttach",
               "clusterrolebindingPodExecAttach", "rolebindingClusterRolePodExecAttach",
               "rolebindingRolePodExecAttach"),
      summary="Role can exec into or attach to pods",
      why="`pods/exec` and `pods/attach` run commands inside other pods: their files, their tokens, their "
          "network position. The finding names the workloads that hold the role.",
      bad=example('- apiGroups: [""]\n  resources: ["pods/exec"]\n  verbs: ["create"]'),
      good=example('- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get"]'))
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for entry in role_rules(bundle):
        if "*" not in entry.resources and entry.allows({"create", "get"}, {"pods/exec", "pods/attach"}):
            what = " and ".join(sorted(entry.resources & {"pods/exec", "pods/attach"}))
            yield role_hit(bundle, entry, f"grants {what}: it can run commands in other pods", "resources")
