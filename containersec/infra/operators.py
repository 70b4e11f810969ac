"""Pods that an operator creates from a custom resource the manifests contain, and the labels it gives them.

A Service or NetworkPolicy written for those pods selects something although no manifest has their pod
template: kube-prometheus' `prometheus-k8s` Service selects the pods the Prometheus operator runs for its
`Prometheus` resource. The labels are the operator's own (`app.kubernetes.io/name`, `app.kubernetes.io/instance`,
`app.kubernetes.io/managed-by` and the resource's name under its kind) and those of `spec.podMetadata.labels`.
"""

from __future__ import annotations

from typing import Any

from containersec.infra.model import Bundle, get, mapping

_PROMETHEUS_OPERATOR = "monitoring.coreos.com"
# kind -> the operator's app.kubernetes.io/name for its pods, and the label key that carries the resource's name
_PROMETHEUS_OPERATOR_KINDS = {
    "Prometheus": ("prometheus", "prometheus"),
    "PrometheusAgent": ("prometheus-agent", "prometheus"),
    "Alertmanager": ("alertmanager", "alertmanager"),
    "ThanosRuler": ("thanos-ruler", "thanos-ruler"),
}


def operator_pod_labels(bundle: Bundle, namespace: str) -> list[dict[str, Any]]:
    """The labels of each group of operator-made pods in `namespace`."""
    found = []
    for obj in bundle.of_kind(*_PROMETHEUS_OPERATOR_KINDS):
        if obj.group != _PROMETHEUS_OPERATOR or obj.effective_namespace() != namespace:
            continue
        app, name_key = _PROMETHEUS_OPERATOR_KINDS[obj.kind]
        labels: dict[str, Any] = dict(mapping(get(obj.data, "spec", "podMetadata", "labels")))
        labels.update({"app.kubernetes.io/name": app, "app.kubernetes.io/instance": obj.name,
                       "app.kubernetes.io/managed-by": "prometheus-operator", name_key: obj.name})
        found.append(labels)
    return found
