from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod
from containersec.infra.rules._resources import missing


@rule(id="CSK031", slug="memory-resources-missing", severity=Severity.INFO, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_12", "CKV_K8S_13", "KSV016", "KSV018", "unset-memory-requirements",
               "memoryRequestsMissing", "memoryLimitsMissing", "container-resources"),
      summary="Container sets no memory request or limit",
      why="Without a memory limit one container can push the whole node into out-of-memory kills of other "
          "pods; without a request the scheduler overcommits the node.",
      bad=pod(),
      good=pod("resources:\n  requests:\n    memory: 128Mi\n  limits:\n    memory: 256Mi"),
      notes="Ephemeral (debugging) containers are not checked: they cannot set resources.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    return missing(bundle, "memory")
