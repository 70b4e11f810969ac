from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import role_rules
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._rbac import example, role_hit

ROLE_RESOURCES = {"roles", "clusterroles", "rolebindings", "clusterrolebindings"}


@rule(id="CSK063", slug="rbac-bind-escalate", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_157", "CKV_K8S_158", "KSV050", "KSV051", "KSV052", "KSV055", "CKV2_K8S_1"),
      summary="Role can bind or escalate roles, or write RBAC objects",
      why="`bind` and `escalate` (and writing roles or bindings) let an identity grant itself rights it does "
          "not have: any RBAC limit on it is void. The finding names the workloads that hold the role.",
      bad=example('- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["clusterroles"]\n  verbs: ["bind"]'),
      good=example('- apiGroups: ["rbac.authorization.k8s.io"]\n  resources: ["roles"]\n  verbs: ["get"]'))
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for entry in role_rules(bundle):
        if "*" in entry.verbs or "*" in entry.resources:
            continue  # CSK060 reports wildcards
        dangerous = sorted(entry.verbs & {"bind", "escalate"})
        writes = sorted(entry.verbs & {"create", "update", "patch"})
        if dangerous and entry.resources & ROLE_RESOURCES:
            yield role_hit(bundle, entry, f"can {'/'.join(dangerous)} {', '.join(sorted(entry.resources))}",
                           "verbs")
        elif writes and entry.resources & ROLE_RESOURCES:
            yield role_hit(bundle, entry, f"can {'/'.join(writes)} "
                                          f"{', '.join(sorted(entry.resources & ROLE_RESOURCES))}", "verbs")
