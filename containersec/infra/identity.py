"""Identities over a bundle: the ServiceAccount each workload runs as, its token, and the RBAC it holds.

RBAC is traced from a Role or ClusterRole through the RoleBindings and ClusterRoleBindings that grant it, to
their ServiceAccount subjects (or the `system:serviceaccounts[:ns]` groups), to the workloads that run as
those accounts: a finding on a role names who can use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from containersec.infra.model import Bundle, FieldPath, K8sObject, Workload, get, mapping, sequence

RBAC_GROUP = "rbac.authorization.k8s.io"
_ALL_ACCOUNTS = "system:serviceaccounts"


def service_account_objects(bundle: Bundle) -> dict[tuple[str, str], K8sObject]:
    return {(obj.effective_namespace(), obj.name): obj for obj in bundle.of_kind("ServiceAccount")
            if obj.api_version == "v1"}


def token_automount(workload: Workload, account: K8sObject | None) -> tuple[bool, FieldPath | None, K8sObject]:
    """Whether the pods get the account's token, and which object (and field) decides it.

    The pod's `automountServiceAccountToken` wins; without it the ServiceAccount's applies; without either
    Kubernetes mounts the token.
    """
    own = workload.spec.get("automountServiceAccountToken")
    if isinstance(own, bool):
        return own, workload.field("automountServiceAccountToken"), workload.object
    if account is not None:
        setting = account.data.get("automountServiceAccountToken")
        if isinstance(setting, bool):
            return setting, ("automountServiceAccountToken",), account
    return True, None, workload.object


@dataclass(frozen=True)
class Grant:
    """A binding that gives a role to subjects, and the workloads among them."""

    binding: K8sObject
    workloads: tuple[Workload, ...]


@dataclass
class Rbac:
    """Roles with the bindings granting them, resolved once per bundle."""

    bundle: Bundle
    grants: dict[int, list[Grant]] = field(default_factory=dict)  # id(role) -> grants

    @cached_property
    def roles(self) -> list[K8sObject]:
        return [obj for obj in self.bundle.of_kind("Role", "ClusterRole") if obj.group == RBAC_GROUP]

    def resolve(self) -> Rbac:
        by_name = {(obj.kind, obj.effective_namespace() if obj.kind == "Role" else "", obj.name): obj
                   for obj in self.roles}
        for binding in self.bundle.of_kind("RoleBinding", "ClusterRoleBinding"):
            if binding.group != RBAC_GROUP:
                continue
            ref = mapping(binding.data.get("roleRef"))
            kind, name = ref.get("kind"), ref.get("name")
            namespace = binding.effective_namespace() if kind == "Role" else ""
            role = by_name.get((kind, namespace, name))
            if role is not None:
                self.grants.setdefault(id(role), []).append(Grant(binding, tuple(self.holders(binding))))
        return self

    def holders(self, binding: K8sObject) -> Iterator[Workload]:
        """Workloads whose account is a subject of the binding (within its namespace for a RoleBinding)."""
        scope = binding.effective_namespace() if binding.kind == "RoleBinding" else None
        for subject in sequence(binding.data.get("subjects")):
            subject = mapping(subject)
            kind, name = subject.get("kind"), subject.get("name")
            for workload in self.bundle.workloads:
                if scope is not None and workload.namespace != scope:
                    continue
                if kind == "ServiceAccount":
                    namespace = subject.get("namespace") or binding.effective_namespace()
                    if workload.service_account == name and workload.namespace == namespace:
                        yield workload
                elif kind == "Group" and name in (_ALL_ACCOUNTS, f"{_ALL_ACCOUNTS}:{workload.namespace}"):
                    yield workload

    def held_by(self, role: K8sObject) -> str:
        """", held by Deployment ns/a (ServiceAccount a) via RoleBinding ns/b" or where nothing holds it."""
        grants = self.grants.get(id(role), [])
        if not grants:
            return "; no binding in these manifests grants it"
        parts = []
        for grant in grants:
            who = ", ".join(f"{w.object.ref} (ServiceAccount {w.service_account})" for w in grant.workloads)
            parts.append(f"{who or 'no workload in these manifests'} via {grant.binding.ref}")
        return "; held by " + "; ".join(parts)


def rbac(bundle: Bundle) -> Rbac:
    """The bundle's RBAC, resolved on first use and shared by the RBAC rules of one run."""
    if "rbac" not in bundle.derived:
        bundle.derived["rbac"] = Rbac(bundle).resolve()
    return bundle.derived["rbac"]


@dataclass(frozen=True)
class RoleRule:
    """One entry of a role's `rules`: verbs on resources of API groups."""

    role: K8sObject
    index: int
    verbs: frozenset[str]
    resources: frozenset[str]
    groups: frozenset[str]
    names: frozenset[str]

    @property
    def path(self) -> FieldPath:
        return ("rules", self.index)

    def where(self, key: str) -> FieldPath:
        return (*self.path, key)

    def allows(self, verbs: set[str], resources: set[str]) -> bool:
        """Whether the rule grants one of `verbs` on one of `resources` (wildcards included)."""
        verb_ok = "*" in self.verbs or not self.verbs.isdisjoint(verbs)
        resource_ok = "*" in self.resources or not self.resources.isdisjoint(resources)
        return verb_ok and resource_ok


def role_rules(bundle: Bundle) -> Iterator[RoleRule]:
    for role in rbac(bundle).roles:
        for index, entry in enumerate(sequence(role.data.get("rules"))):
            entry = mapping(entry)
            yield RoleRule(role, index, _strings(entry.get("verbs")), _strings(entry.get("resources")),
                           _strings(entry.get("apiGroups")), _strings(entry.get("resourceNames")))


def _strings(value: Any) -> frozenset[str]:
    return frozenset(str(item) for item in sequence(value))


def binding_role(binding: K8sObject) -> tuple[str | None, str | None]:
    ref = mapping(binding.data.get("roleRef"))
    return get(ref, "kind"), get(ref, "name")
