from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping
from containersec.infra.network import pod_labels_in, service_selects
from containersec.infra.options import K8sOptions
from containersec.infra.rules._network import WORKLOAD

_SERVICE = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n"
            "    app: {app}\n  ports:\n    - port: 80\n      targetPort: 8080")


@rule(id="CSK094", slug="service-selects-nothing", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("dangling-service", "service-targets-pod"),
      summary="Service selects no pod",
      why="A Service whose selector matches no workload routes nowhere, or to whatever pod someone later "
          "labels to match: a label typo here is also a way to hijack its traffic.",
      bad=WORKLOAD + "\n---\n" + _SERVICE.format(app="wbe"),
      good=WORKLOAD + "\n---\n" + _SERVICE.format(app="web"),
      notes="Judged only in namespaces where the manifests run at least one workload; Services without a "
            "selector (manual Endpoints) and ExternalName Services are skipped. The pods the Prometheus operator "
            "creates from `Prometheus`, `PrometheusAgent`, `Alertmanager` and `ThanosRuler` resources in the "
            "manifests count, with the labels the operator gives them; other operators' pods are not seen "
            "(declare a kind with a pod template under `k8s.workload-kinds`).")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    namespaces = set(bundle.namespaces)
    for service in bundle.of_kind("Service"):
        spec = mapping(service.data.get("spec"))
        selector = mapping(spec.get("selector"))
        namespace = service.effective_namespace()
        if not selector or spec.get("type") == "ExternalName" or namespace not in namespaces:
            continue
        if not any(service_selects(selector, labels) for labels in pod_labels_in(bundle, namespace)):
            yield ManifestHit(f"{service.ref} selects no pod of the workloads in namespace {namespace!r}: check its "
                              "selector labels", service, ("spec", "selector"))
