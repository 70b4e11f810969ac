from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import role_rules
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._rbac import example, role_hit


@rule(id="CSK064", slug="rbac-impersonate", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV2_K8S_3", "KSV043"),
      summary="Role can impersonate users, groups or ServiceAccounts",
      why="Impersonation acts with another identity's rights, `system:masters` included: it is every right "
          "the cluster has. The finding names the workloads that hold the role.",
      bad=example('- apiGroups: [""]\n  resources: ["users", "groups"]\n  verbs: ["impersonate"]'),
      good=example('- apiGroups: [""]\n  resources: ["pods"]\n  verbs: ["get"]'))
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for entry in role_rules(bundle):
        if "impersonate" in entry.verbs:
            yield role_hit(bundle, entry, f"can impersonate {', '.join(sorted(entry.resources)) or 'identities'}",
                           "verbs")
