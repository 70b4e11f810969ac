from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod

HIGH_ID = 10000


@rule(id="CSK005", slug="low-uid", severity=Severity.INFO, stage=Stage.INFRASTRUCTURE, enabled=False,
      aliases=("CKV_K8S_40", "KSV020", "KSV021"),
      summary="Container user or group ID is 10000 or below",
      why="IDs at or below 10000 overlap the node's own users: after an escape, the process owns their files. "
          "A high UID and GID owns nothing on the host.",
      bad=pod("securityContext:\n  runAsUser: 1000"),
      good=pod("securityContext:\n  runAsUser: 10001\n  runAsGroup: 10001"),
      notes="Off by default (Checkov and Trivy run it; most images choose IDs below 10000). Only IDs that are "
            "set are judged; CSK003 covers a user left to the image.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        for key in ("runAsUser", "runAsGroup"):
            value, where = container.setting(key)
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= HIGH_ID:
                yield setting_hit(container, f"container {container.name!r} has {key} {value}: use an ID above "
                                             f"{HIGH_ID}", where)
