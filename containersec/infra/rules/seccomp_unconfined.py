from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import annotation_path, legacy_annotation, pod
from containersec.infra.rules.seccomp_not_set import LEGACY_POD, LEGACY_PREFIX


@rule(id="CSK012", slug="seccomp-unconfined", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV104",),
      summary="Seccomp is switched off (Unconfined)",
      why="`Unconfined` removes the system-call filter the runtime applies by default. Pod Security Standards "
          "baseline forbids it.",
      bad=pod(pod_spec="securityContext:\n  seccompProfile:\n    type: Unconfined"),
      good=pod(pod_spec="securityContext:\n  seccompProfile:\n    type: RuntimeDefault"),
      notes="PSS baseline. The pre-1.19 annotation value `unconfined` counts as well.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        profile, where = container.setting("seccompProfile")
        legacy = legacy_annotation(container, LEGACY_PREFIX, LEGACY_POD)
        if mapping(profile).get("type") == "Unconfined":
            yield setting_hit(container, f"container {container.name!r} runs without seccomp (Unconfined): use "
                                         "RuntimeDefault", where)
        elif profile is None and legacy is not None and str(legacy[0]) == "unconfined":
            yield setting_hit(container, f"container {container.name!r} runs without seccomp (annotation "
                                         f"{legacy[1]}: unconfined): use runtime/default",
                              annotation_path(container, legacy[1]))
