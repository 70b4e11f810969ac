from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit, mapping, setting_hit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import annotation_path, legacy_annotation, pod

LEGACY_PREFIX = "container.apparmor.security.beta.kubernetes.io"


@rule(id="CSK013", slug="apparmor-unconfined", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      summary="AppArmor is switched off (Unconfined)",
      why="On nodes with AppArmor the runtime confines containers by default; `Unconfined` removes that "
          "profile. Pod Security Standards baseline forbids it.",
      bad=pod("securityContext:\n  appArmorProfile:\n    type: Unconfined"),
      good=pod("securityContext:\n  appArmorProfile:\n    type: RuntimeDefault"),
      notes="PSS baseline. Reads `appArmorProfile` (Kubernetes 1.30+) and the older "
            "`container.apparmor.security.beta.kubernetes.io/<container>` annotation. Trivy's KSV002 asks for "
            "an explicit runtime/default annotation; this rule only rejects switching AppArmor off.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for container in bundle.containers():
        profile, where = container.setting("appArmorProfile")
        legacy = legacy_annotation(container, LEGACY_PREFIX)
        if mapping(profile).get("type") == "Unconfined":
            yield setting_hit(container, f"container {container.name!r} runs without AppArmor (Unconfined): use "
                                         "RuntimeDefault", where)
        elif legacy is not None and str(legacy[0]) == "unconfined":
            yield setting_hit(container, f"container {container.name!r} runs without AppArmor (annotation "
                                         "unconfined): use runtime/default", annotation_path(container, legacy[1]))
