from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.network import pod_labels_in, policies, selects
from containersec.infra.options import K8sOptions
from containersec.infra.rules._network import WORKLOAD, policy


@rule(id="CSK093", slug="network-policy-selects-nothing", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("dangling-networkpolicy", "networkpolicy-targets-pod"),
      summary="NetworkPolicy selects no pod",
      why="A policy whose selector matches nothing isolates nothing: usually a typo in a label, which leaves "
          "the pods it was written for open while the repository looks protected.",
      bad=WORKLOAD + "\n---\n" + policy("podSelector:\n  matchLabels:\n    app: wbe\npolicyTypes: [Ingress]"),
      good=WORKLOAD + "\n---\n" + policy("podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Ingress]"),
      notes="Judged only in namespaces where the manifests run at least one workload (elsewhere the pods may "
            "come from other sources). A policy with an empty podSelector selects every pod. The pods the "
            "Prometheus operator creates from `Prometheus`, `PrometheusAgent`, `Alertmanager` and `ThanosRuler` "
            "resources in the manifests count, with the labels the operator gives them.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    namespaces = set(bundle.namespaces)
    for found in policies(bundle):
        if found.selects_all or found.namespace not in namespaces:
            continue
        if not any(selects(found.pod_selector, labels) for labels in pod_labels_in(bundle, found.namespace)):
            yield ManifestHit(f"{found.object.ref} selects no pod of the workloads in namespace "
                              f"{found.namespace!r}: check its podSelector labels", found.object,
                              ("spec", "podSelector"))
