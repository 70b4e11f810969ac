from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod


@rule(id="CSK015", slug="unsafe-proc-mount", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV027", "unsafe-proc-mount", "procMount"),
      summary="Container unmasks /proc (procMount other than Default)",
      why="The default /proc mask hides kernel interfaces that leak host information or allow changes to the "
          "node. `Unmasked` removes it. Pod Security Standards baseline forbids it.",
      bad=pod("securityContext:\n  procMount: Unmasked"),
      good=pod("securityContext:\n  procMount: Default"),
      notes="PSS baseline.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        mount = container.security_context.get("procMount")
        if mount not in (None, "Default"):
            yield container_hit(container, f"container {container.name!r} sets procMount {mount}: use Default",
                                "securityContext", "procMount")
