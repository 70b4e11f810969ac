from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, container_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import capabilities, pod

ALLOWED_ADDED = frozenset({"NET_BIND_SERVICE"})


@rule(id="CSK008", slug="capabilities-not-restricted", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_37", "KSV003", "KSV004", "KSV106"),
      summary="Container does not drop ALL capabilities, or adds one other than NET_BIND_SERVICE",
      why="The runtime's default capabilities (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW, ...) are more than most "
          "programs use, and each one widens what an intruder can do. Pod Security Standards restricted "
          "requires dropping ALL and adding back at most NET_BIND_SERVICE.",
      bad=pod("securityContext:\n  capabilities:\n    add: [CHOWN]"),
      good=pod("securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]"),
      notes="PSS restricted.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        dropped = {name for _, name in capabilities(container, "drop")}
        if "ALL" not in dropped:
            where = ("securityContext", "capabilities", "drop") if dropped else ()
            yield container_hit(container, f"container {container.name!r} does not drop ALL capabilities: set "
                                           "securityContext.capabilities.drop: [ALL]", *where)
        for index, name in capabilities(container, "add"):
            if name not in ALLOWED_ADDED:
                yield container_hit(container, f"container {container.name!r} adds capability {name}: the "
                                               "restricted profile allows only NET_BIND_SERVICE",
                                    "securityContext", "capabilities", "add", index)
