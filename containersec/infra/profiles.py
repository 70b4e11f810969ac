"""The Pod Security Standards as named rule sets: `baseline` and `restricted` (which includes baseline).

`all` (the default) runs every enabled rule; a PSS profile runs only the rules of its controls, so a run can
answer "would these pods pass the namespace's pod-security admission level?".
"""

from __future__ import annotations

from containersec.catalogue import Rule

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
