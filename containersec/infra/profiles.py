"""The Pod Security Standards as named rule sets: `baseline` and `restricted` (which includes baseline).

`all` (the default) runs every enabled rule; a PSS profile runs only the rules of its controls, so a run can
answer "would these pods pass the namespace's pod-security admission level?".

Under `all`, a Namespace object of the manifests labelled `pod-security.kubernetes.io/enforce` sets the level
its own workloads are held to, as the admission controller does: `privileged` admits what every PSS control
forbids, `baseline` what only the restricted controls forbid, so those findings are not reported for its
workloads (the hardening rules beyond PSS still are). An explicit profile judges every namespace at that level.
"""

from __future__ import annotations

from collections.abc import Mapping

from containersec.catalogue import Rule
from containersec.infra.model import Bundle

BASELINE = frozenset({
    "CSK001",  # privileged
    "CSK009",  # capabilities beyond the default set
    "CSK012",  # seccomp Unconfined
    "CSK013",  # AppArmor unconfined
    "CSK014",  # SELinux type and user/role
    "CSK015",  # procMount
    "CSK016",  # sysctls outside the safe set
    "CSK017",  # host namespaces
    "CSK018",  # host ports
    "CSK019",  # hostPath volumes
    "CSK020",  # the container runtime socket (a hostPath volume, named for what it gives away)
    "CSK021",  # Windows HostProcess
})
RESTRICTED = BASELINE | {
    "CSK002",  # allowPrivilegeEscalation
    "CSK003",  # runAsNonRoot
    "CSK004",  # runAsUser 0
    "CSK008",  # drop ALL, add only NET_BIND_SERVICE
    "CSK011",  # seccomp RuntimeDefault or Localhost
    "CSK022",  # volume types
}
_SETS = {"baseline": BASELINE, "restricted": RESTRICTED}


def profile_of(rule_id: str) -> str | None:
    """The lowest PSS level whose controls include the rule."""
    if rule_id in BASELINE:
        return "baseline"
    return "restricted" if rule_id in RESTRICTED else None


def chosen(rules: list[Rule], profile: str) -> list[Rule]:
    """`rules` for the profile: all of them, or only those of the PSS level's controls."""
    wanted = _SETS.get(profile)
    return rules if wanted is None else [rule for rule in rules if rule.id in wanted]


ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
_ALLOWED_BY_LEVEL = {"privileged": RESTRICTED, "baseline": RESTRICTED - BASELINE, "restricted": frozenset()}


def enforced_levels(bundle: Bundle) -> dict[str, str]:
    """Namespace name -> the Pod Security level its Namespace object enforces (a valid label value only:
    Kubernetes holds a namespace with an unknown value to `restricted`, which waives nothing)."""
    levels = {}
    for namespace in bundle.of_kind("Namespace"):
        level = namespace.labels.get(ENFORCE_LABEL)
        if isinstance(level, str) and level in _ALLOWED_BY_LEVEL:
            levels[namespace.name] = level
    return levels


def admitted(rule_id: str, namespace: str, levels: Mapping[str, str]) -> bool:
    """Whether the namespace's enforced level admits what the rule reports (a PSS control above the level)."""
    level = levels.get(namespace)
    return level is not None and rule_id in _ALLOWED_BY_LEVEL[level]
