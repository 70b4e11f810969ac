"""Manifests of any shape: every rule runs on objects whose fields hold the wrong types, without an internal
error (untrusted YAML decides the shapes, not the Kubernetes schema)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from containersec.config import Config
from containersec.infra import check_manifests

KEYS = ["spec", "template", "containers", "initContainers", "ephemeralContainers", "securityContext", "image",
        "capabilities", "add", "drop", "privileged", "runAsUser", "runAsNonRoot", "seccompProfile", "type", "env",
        "name", "value", "ports", "hostPort", "volumes", "hostPath", "path", "metadata", "labels", "annotations",
        "namespace", "serviceAccountName", "automountServiceAccountToken", "rules", "verbs", "resources",
        "roleRef", "subjects", "kind", "podSelector", "matchLabels", "matchExpressions", "operator", "values",
        "policyTypes", "ingress", "egress", "selector", "data", "jobTemplate", "sysctls", "seLinuxOptions",
        "resources", "requests", "limits", "hostNetwork", "procMount", "windowsOptions", "hostProcess"]
KINDS = ["Pod", "Deployment", "CronJob", "Job", "DaemonSet", "ServiceAccount", "Role", "ClusterRole", "RoleBinding",
         "ClusterRoleBinding", "NetworkPolicy", "Service", "ConfigMap", "Namespace", "List"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.sampled_from(
    ["", "*", "ALL", "SYS_ADMIN", "Unconfined", "RuntimeDefault", "/var/run/docker.sock", "default", "secrets",
     "get", "cluster-admin", "nginx:latest", "In", "Egress", "ghp_" + "a1B2" * 9, "$(X)", "{{ .Values.x }}"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
                      max_leaves=25)
OBJECTS = st.builds(lambda kind, api, body: {"apiVersion": api, "kind": kind, **body}, st.sampled_from(KINDS),
                    st.sampled_from(["v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1",
                                     "networking.k8s.io/v1", "extensions/v1beta1"]),
                    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OBJECTS, min_size=1, max_size=4))
def test_any_shape_is_checked_without_an_internal_error(objects: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest.yaml"
        path.write_text(yaml.safe_dump_all(objects), encoding="utf-8")
        report = check_manifests([str(path)], Config(select=[], options=Config().options))
    assert not [e for e in report.errors if "internal error" in e.message], report.errors
