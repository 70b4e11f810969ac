from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import service_account_objects
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n---\n"


@rule(id="CSK052", slug="service-account-missing", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("non-existent-service-account",),
      summary="Workload names a ServiceAccount that the manifests do not define",
      why="A pod whose account does not exist is never created; an account created elsewhere by hand escapes "
          "review together with the rights bound to it.",
      bad=pod(pod_spec="serviceAccountName: web"),
      good=_ACCOUNT + pod(pod_spec="serviceAccountName: web"),
      notes="Judged over all the manifests of one run: check the repository (or the rendered chart) as a "
            "whole. `default` always exists and is not reported here (see CSK051).")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    accounts = service_account_objects(bundle)
    for workload in bundle.workloads:
        name = workload.service_account
        if name != "default" and (workload.namespace, name) not in accounts:
            key = "serviceAccountName" if "serviceAccountName" in workload.spec else "serviceAccount"
            yield ManifestHit(f"{workload.object.ref} runs as ServiceAccount {name!r}, which no manifest here "
                              f"defines in namespace {workload.namespace!r}", workload.object, workload.field(key))
