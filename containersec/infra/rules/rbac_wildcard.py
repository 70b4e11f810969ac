from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import role_rules
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._rbac import example, role_hit


@rule(id="CSK060", slug="rbac-wildcard", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_49", "KSV044", "KSV045", "KSV046", "wildcard-in-rules"),
      summary="Role grants `*` verbs, resources or API groups",
      why="A wildcard grants everything that exists today and everything a future API or CRD adds: least "
          "privilege cannot be reviewed. The finding names the workloads that hold the role.",
      bad=example('- apiGroups: [""]\n  resources: ["*"]\n  verbs: ["get"]'),
      good=example('- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: ["get"]'),
      notes="Traced through RoleBindings and ClusterRoleBindings to the ServiceAccounts' workloads.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for entry in role_rules(bundle):
        for key, values in (("verbs", entry.verbs), ("resources", entry.resources), ("apiGroups", entry.groups)):
            if "*" in values:
                yield role_hit(bundle, entry, f"grants '*' in {key} of rule {entry.index + 1}", key)
                break
