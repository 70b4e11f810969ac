"""Shared parts of the RBAC rules: an example role and binding, and hits that name who holds the role."""

from __future__ import annotations

from containersec.infra.identity import RoleRule, rbac
from containersec.infra.model import Bundle, ManifestHit

READ = frozenset({"get", "list", "watch"})


def example(rules: str) -> str:
    """A Role bound to a Deployment's ServiceAccount, with `rules` (YAML lines under `rules:`)."""
    body = "".join(f"  {line}\n" for line in rules.splitlines())
    return ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: web\n  namespace: shop\n"
            f"rules:\n{body}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
            "  name: web\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
            "  name: web\nsubjects:\n  - kind: ServiceAccount\n    name: web\n    namespace: shop")


def role_hit(bundle: Bundle, entry: RoleRule, what: str, key: str) -> ManifestHit:
    """A hit on the `key` of a role's rule: `what` it grants, and the workloads that hold it."""
    return ManifestHit(f"{entry.role.ref} {what}{rbac(bundle).held_by(entry.role)}", entry.role, entry.where(key))
