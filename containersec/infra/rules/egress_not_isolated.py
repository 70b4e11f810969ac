from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.network import EGRESS
from containersec.infra.options import K8sOptions
from containersec.infra.rules._network import WORKLOAD, not_isolated, policy


@rule(id="CSK091", slug="egress-not-isolated", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV2_K8S_6", "missingNetworkPolicy", "pod-networkpolicy"),
      summary="No NetworkPolicy restricts traffic out of the workload's pods",
      why="Without an egress policy a compromised pod can connect anywhere: other pods, the cloud metadata "
          "endpoint, the internet to fetch tools and send data away.",
      bad=WORKLOAD + "\n---\n" + policy("podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Ingress]"),
      good=WORKLOAD + "\n---\n" + policy("podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Ingress, Egress]"),
      notes="A policy isolates egress when its policyTypes include Egress (or, without policyTypes, when it "
            "has an `egress` section), as Kubernetes decides. kube-score warns on the same split.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    return not_isolated(bundle, EGRESS)
