from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import role_rules
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._rbac import READ, example, role_hit


@rule(id="CSK061", slug="rbac-secrets-access", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV041", "KSV113", "CKV2_K8S_5", "access-to-secrets"),
      summary="Role can read Secrets",
      why="Reading Secrets reads every credential of the namespace (or cluster), ServiceAccount tokens "
          "included: one step from the rights of every other workload. The finding names the workloads that "
          "hold the role.",
      bad=example('- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get", "list"]'),
      good=example('- apiGroups: [""]\n  resources: ["secrets"]\n  resourceNames: ["web-tls"]\n  verbs: ["get"]'),
      notes="A rule limited by `resourceNames` to named Secrets passes.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for entry in role_rules(bundle):
        if entry.allows(READ, {"secrets"}) and not entry.names:
            verbs = sorted(READ & entry.verbs) or ["*"]
            yield role_hit(bundle, entry, f"can {'/'.join(verbs)} Secrets", "resources")
