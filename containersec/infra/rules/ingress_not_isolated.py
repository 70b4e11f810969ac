from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.network import INGRESS
from containersec.infra.options import K8sOptions
from containersec.infra.rules._network import WORKLOAD, not_isolated, policy


@rule(id="CSK090", slug="ingress-not-isolated", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV2_K8S_6", "non-isolated-pod", "missingNetworkPolicy", "pod-networkpolicy"),
      summary="No NetworkPolicy restricts traffic into the workload's pods",
      why="Kubernetes' network is flat by default: any pod of any namespace can connect to these pods. A "
          "compromised neighbour then reaches them directly (lateral movement).",
      bad=WORKLOAD,
      good=WORKLOAD + "\n---\n" + policy("podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Ingress]"),
      notes="Judged over all manifests of the run, with Kubernetes' semantics: a policy of the pod's namespace "
            "whose podSelector matches the pod template's labels and whose policyTypes include Ingress. "
            "Egress is judged separately (CSK091). Pods on the host network are skipped.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    return not_isolated(bundle, INGRESS)
