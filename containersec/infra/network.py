"""NetworkPolicy semantics over a bundle: which pods each policy isolates, per direction, and per namespace.

A pod is isolated for ingress (egress) when some NetworkPolicy of its namespace selects it and lists that
direction in its policyTypes (Ingress always, unless policyTypes says otherwise; Egress when policyTypes
lists it or an `egress` section is written). A namespace has a default deny for a direction when a policy
selects every pod (`podSelector: {}`) for it and allows nothing in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from containersec.infra.model import Bundle, K8sObject, Workload, mapping, sequence
from containersec.infra.operators import operator_pod_labels

INGRESS = "Ingress"
EGRESS = "Egress"
DIRECTIONS = (INGRESS, EGRESS)
_SECTIONS = {INGRESS: "ingress", EGRESS: "egress"}


def selects(selector: Any, labels: dict[str, Any]) -> bool:
    """Whether a LabelSelector (`matchLabels`, `matchExpressions`) matches `labels`; `{}` matches all."""
    selector = mapping(selector)
    for key, value in mapping(selector.get("matchLabels")).items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expression in sequence(selector.get("matchExpressions")):
        expression = mapping(expression)
        key, operator = expression.get("key"), expression.get("operator")
        values = {str(v) for v in sequence(expression.get("values"))}
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def service_selects(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """A Service's plain label map; an empty one selects nothing (the Service has manual endpoints)."""
    return bool(selector) and all(k in labels and str(labels[k]) == str(v) for k, v in selector.items())


@dataclass(frozen=True)
class Policy:
    object: K8sObject

    @property
    def spec(self) -> dict[str, Any]:
        return mapping(self.object.data.get("spec"))

    @property
    def namespace(self) -> str:
        return self.object.effective_namespace()

    @property
    def pod_selector(self) -> Any:
        return self.spec.get("podSelector")

    @property
    def selects_all(self) -> bool:
        return not mapping(self.pod_selector).get("matchLabels") and not mapping(self.pod_selector).get(
            "matchExpressions")

    @property
    def directions(self) -> tuple[str, ...]:
        types = self.spec.get("policyTypes")
        if isinstance(types, list):
            return tuple(d for d in DIRECTIONS if d in types)
        return (INGRESS, EGRESS) if "egress" in self.spec else (INGRESS,)

    def denies_all(self, direction: str) -> bool:
        return self.selects_all and direction in self.directions and not sequence(
            self.spec.get(_SECTIONS[direction]))

    def isolates(self, workload: Workload, direction: str) -> bool:
        return (workload.namespace == self.namespace and direction in self.directions
                and selects(self.pod_selector, workload.pod_labels))


def policies(bundle: Bundle) -> list[Policy]:
    return [Policy(obj) for obj in bundle.of_kind("NetworkPolicy") if obj.group == "networking.k8s.io"]


def isolated(workload: Workload, all_policies: list[Policy], direction: str) -> bool:
    return any(policy.isolates(workload, direction) for policy in all_policies)


@dataclass(frozen=True)
class NamespaceRow:
    """The per-namespace summary: how many workloads each direction isolates, and the default denies."""

    namespace: str
    workloads: int
    ingress_isolated: int
    egress_isolated: int
    default_deny_ingress: bool
    default_deny_egress: bool

    @property
    def text(self) -> str:
        def deny(flag: bool) -> str:
            return "default deny" if flag else "no default deny"

        return (f"{self.workloads} workload(s); ingress: {self.ingress_isolated} isolated, "
                f"{deny(self.default_deny_ingress)}; egress: {self.egress_isolated} isolated, "
                f"{deny(self.default_deny_egress)}")

    def to_json(self) -> dict[str, object]:
        return {"namespace": self.namespace, "workloads": self.workloads,
                "isolated": {"ingress": self.ingress_isolated, "egress": self.egress_isolated},
                "default_deny": {"ingress": self.default_deny_ingress, "egress": self.default_deny_egress}}


def namespace_summary(bundle: Bundle) -> list[NamespaceRow]:
    found = policies(bundle)
    rows = []
    for namespace in bundle.namespaces:
        workloads = [w for w in bundle.workloads if w.namespace == namespace]
        own = [p for p in found if p.namespace == namespace]
        rows.append(NamespaceRow(
            namespace, len(workloads),
            sum(isolated(w, own, INGRESS) for w in workloads), sum(isolated(w, own, EGRESS) for w in workloads),
            any(p.denies_all(INGRESS) for p in own), any(p.denies_all(EGRESS) for p in own)))
    return rows


def namespace_objects(bundle: Bundle) -> Iterator[tuple[str, K8sObject]]:
    """Each namespace that runs workloads, with the Namespace object that declares it when the bundle has one
    (else its first workload stands for it)."""
    declared = {obj.name: obj for obj in bundle.of_kind("Namespace")}
    for namespace in bundle.namespaces:
        first = next(w.object for w in bundle.workloads if w.namespace == namespace)
        yield namespace, declared.get(namespace) or first


def pod_labels_in(bundle: Bundle, namespace: str) -> list[dict[str, Any]]:
    """The labels of each kind of pod the manifests run in `namespace`: their workloads' pods and the pods
    operators create from the custom resources they contain."""
    return [w.pod_labels for w in bundle.workloads if w.namespace == namespace] + operator_pod_labels(
        bundle, namespace)

