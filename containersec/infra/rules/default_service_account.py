from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK051", slug="default-service-account", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_41", "CKV_K8S_42", "default-service-account"),
      summary="Workload runs as its namespace's `default` ServiceAccount",
      why="The default account is shared by every pod that names no other: a role bound to it for one "
          "program is held by all of them. Give each workload its own account (one identity per workload).",
      bad=pod(),
      good=pod(pod_spec="serviceAccountName: web\nautomountServiceAccountToken: false"),
      notes="Not reported when the pods get no token (`automountServiceAccountToken: false` on the pod): "
            "the identity is then never presented.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for workload in bundle.workloads:
        if workload.service_account != "default" or workload.spec.get("automountServiceAccountToken") is False:
            continue
        named = "serviceAccountName" in workload.spec
        yield ManifestHit(f"{workload.object.ref} runs as the 'default' ServiceAccount: give it its own account",
                          workload.object, workload.field("serviceAccountName") if named else workload.spec_path)
