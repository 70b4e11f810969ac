from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK021", slug="host-process", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV103", "hostProcess"),
      summary="Windows container runs as a HostProcess",
      why="A Windows HostProcess container runs directly on the node with the node's privileges. Pod Security "
          "Standards baseline forbids it.",
      bad=pod(pod_spec="securityContext:\n  windowsOptions:\n    hostProcess: true"),
      good=pod(),
      notes="PSS baseline.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        value, where = container.setting("windowsOptions")
        if mapping(value).get("hostProcess") is True:
            yield setting_hit(container, f"container {container.name!r} runs as a Windows HostProcess", where)
