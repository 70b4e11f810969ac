from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions
from containersec.infra.rules._pods import pod, unless_set


@rule(id="CSK002", slug="privilege-escalation-allowed", severity=Severity.WARNING, stage=Stage.INFRASTRUCTURE,
      aliases=("CKV_K8S_20", "CKV_K8S_5", "KSV001", "privilege-escalation-container",
               "privilegeEscalationAllowed"),
      summary="Container may gain more privileges than its parent process",
      why="Unless `allowPrivilegeEscalation` is false, a setuid binary in the image (or a kernel bug) lets a "
          "process gain privileges its parent did not have. Pod Security Standards restricted requires false.",
      bad=pod(),
      good=pod("securityContext:\n  allowPrivilegeEscalation: false"),
      notes="PSS restricted. Kubernetes allows escalation when the field is left out, so a missing field is "
            "flagged on the container.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    return unless_set(bundle, "allowPrivilegeEscalation", False, "may escalate privileges")
