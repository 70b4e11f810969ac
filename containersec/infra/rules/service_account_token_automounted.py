from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.identity import service_account_objects, token_automount
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

_ACCOUNT = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\n"


@rule(id="CSK050", slug="service-account-token-automounted", severity=Severity.WARNING,
      stage=Stage.INFRASTRUCTURE, aliases=("CKV_K8S_38", "KSV036", "automountServiceAccountToken"),
      summary="Pods get a Kubernetes API token they may not need",
      why="Every pod gets its ServiceAccount's token unless told otherwise: an intruder in any container can "
          "call the API server with the account's rights. Mount it only where the program talks to the API.",
      bad=_ACCOUNT + "---\n" + pod(pod_spec="serviceAccountName: web"),
      good=_ACCOUNT + "automountServiceAccountToken: false\n---\n" + pod(pod_spec="serviceAccountName: web"),
      notes="Resolved through the ServiceAccount object, as Kubernetes does: the pod's "
            "`automountServiceAccountToken` wins, else the account's; Kubernetes mounts the token when neither "
            "says false. The finding points at the setting that decided, or at the pod spec.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    accounts = service_account_objects(bundle)
    for workload in bundle.workloads:
        account = accounts.get((workload.namespace, workload.service_account))
        mounted, where, decided_by = token_automount(workload, account)
        if not mounted:
            continue
        source = f" (set by {decided_by.ref})" if where is not None else ""
        yield ManifestHit(f"pods of {workload.object.ref} get the token of ServiceAccount "
                          f"{workload.service_account!r}{source}: set automountServiceAccountToken: false unless "
                          "they call the Kubernetes API", workload.object,
                          where if decided_by is workload.object and where else workload.spec_path)
