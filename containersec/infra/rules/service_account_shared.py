from collections.abc import Iterator
from itertools import groupby

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, Workload, names
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

_SECOND = pod(pod_spec="serviceAccountName: web").replace("name: web\n  namespace", "name: worker\n  namespace")


@rule(id="CSK053", slug="service-account-shared", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      summary="Several workloads share one ServiceAccount",
      why="One identity per workload: when two programs run as one account, each holds the other's API rights, "
          "and a compromise of the weaker one is a compromise of both. Nothing in the audit log tells them "
          "apart either.",
      bad=pod(pod_spec="serviceAccountName: web") + "\n---\n" + _SECOND,
      good=pod(pod_spec="serviceAccountName: web") + "\n---\n" + _SECOND.replace("serviceAccountName: web",
                                                                                 "serviceAccountName: worker"),
      notes="None of Checkov, Trivy, kube-linter, Polaris or kube-score checks this. The `default` account is "
            "left to CSK051. A deliberate share is waived with `containersec.io/ignore: CSK053 reason` on the "
            "workloads.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    def account(workload: Workload) -> tuple[str, str]:
        return workload.namespace, workload.service_account

    named = sorted((w for w in bundle.workloads if w.service_account != "default"), key=account)
    for (namespace, name), group in groupby(named, key=account):
        sharing = list(group)
        # One workload written in several files (variants of one repository) is still one workload.
        identities = {w.object.identity for w in sharing}
        if len(identities) < 2:
            continue
        for workload in sharing:
            others = list({w.object.identity: w.object for w in sharing
                           if w.object.identity != workload.object.identity}.values())
            key = "serviceAccountName" if "serviceAccountName" in workload.spec else "serviceAccount"
            yield ManifestHit(f"{workload.object.ref} shares ServiceAccount {namespace}/{name} with {names(others)}: "
                              "give each workload its own account", workload.object, workload.field(key))
