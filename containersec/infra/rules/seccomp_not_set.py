from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import annotation_path, legacy_annotation, pod

CONFINED = ("RuntimeDefault", "Localhost")
LEGACY_PREFIX = "container.seccomp.security.alpha.kubernetes.io"
LEGACY_POD = "seccomp.security.alpha.kubernetes.io/pod"


@rule(id="CSK011", slug="seccomp-not-set", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_31", "CKV_K8S_32", "KSV030", "container-seccomp-profile"),
      summary="No seccomp profile (RuntimeDefault or Localhost) is set",
      why="Without a seccomp profile a container may make every system call, including the rarely used ones "
          "where kernel exploits live. RuntimeDefault blocks them at no cost to ordinary programs.",
      bad=pod(),
      good=pod(pod_spec="securityContext:\n  seccompProfile:\n    type: RuntimeDefault"),
      notes="PSS restricted. Read from the container's or the pod's securityContext, or the pre-1.19 "
            "`seccomp.security.alpha.kubernetes.io` annotations (`runtime/default`, `docker/default`, "
            "`localhost/...`).")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        profile, where = container.setting("seccompProfile")
        kind = mapping(profile).get("type")
        if kind in CONFINED:
            continue
        legacy = legacy_annotation(container, LEGACY_PREFIX, LEGACY_POD)
        if profile is None and legacy is not None:
            value, key = legacy
            if str(value).startswith(("runtime/default", "docker/default", "localhost/")):
                continue
            where = annotation_path(container, key)
        if kind == "Unconfined" or (legacy and str(legacy[0]) == "unconfined"):
            continue  # CSK012 reports it
        yield setting_hit(container, f"container {container.name!r} has no seccomp profile: set "
                                     "securityContext.seccompProfile.type: RuntimeDefault", where)
