from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK080", slug="default-namespace", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_21", "KSV110", "use-namespace"),
      summary="Object is placed in the `default` namespace",
      why="The default namespace is where everything lands that nobody placed: its policies, quotas and "
          "RBAC are shared by unrelated programs, so isolation between them is the weakest.",
      bad=pod().replace("namespace: shop", "namespace: default"),
      good=pod(),
      notes="Only an explicit `namespace: default` is reported: a manifest without a namespace goes where "
            "it is applied (`kubectl -n`, Kustomize's `namespace:`, Helm's release namespace), which Checkov "
            "reports and this rule does not.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for obj in bundle.objects:
        if obj.namespace == "default":
            yield ManifestHit(f"{obj.ref} is placed in the default namespace: give the application a namespace "
                              "of its own", obj, ("metadata", "namespace"))
