from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK004", slug="run-as-uid-zero", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV105",),
      summary="Container is told to run as user 0",
      why="`runAsUser: 0` asks for root explicitly, whatever the image's USER says.",
      bad=pod("securityContext:\n  runAsUser: 0"),
      good=pod("securityContext:\n  runAsUser: 10001"),
      notes="PSS restricted. Set on the container or inherited from the pod's securityContext.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        user, where = container.setting("runAsUser")
        if user == 0 and not isinstance(user, bool):
            yield setting_hit(container, f"container {container.name!r} runs as user 0 (root): use a non-zero "
                                         "runAsUser", where)
