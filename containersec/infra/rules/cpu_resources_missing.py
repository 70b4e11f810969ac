from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod
from containersec.infra.rules._resources import missing


@rule(id="CSK030", slug="cpu-resources-missing", severity=Severity.INFO, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_10", "CKV_K8S_11", "KSV011", "KSV015", "unset-cpu-requirements", "cpuRequestsMissing",
               "cpuLimitsMissing", "container-resources"),
      summary="Container sets no CPU request or limit",
      why="Without a request the scheduler cannot place the pod fairly; without a limit a compromised or "
          "runaway container can starve its neighbours on the node.",
      bad=pod(),
      good=pod("resources:\n  requests:\n    cpu: 100m\n  limits:\n    cpu: 500m"),
      notes="Ephemeral (debugging) containers are not checked: they cannot set resources.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    return missing(bundle, "cpu")
