from collections.abc import Iterator

from containersec.catalogue import rule
from containersec.findings import Severity, Stage
from containersec.infra.model import Bundle, ManifestHit
from containersec.infra.options import K8sOptions

# apiVersion -> (Kubernetes release that removed it, the version to use), for every kind that version served;
# per kind where a group version served kinds that moved to different places.
REMOVED: dict[str, tuple[str, str]] = {
    "extensions/v1beta1": ("1.16/1.22", "apps/v1, networking.k8s.io/v1 or policy/v1"),
    "apps/v1beta1": ("1.16", "apps/v1"),
    "apps/v1beta2": ("1.16", "apps/v1"),
    "batch/v2alpha1": ("1.21", "batch/v1"),
    "batch/v1beta1": ("1.25", "batch/v1"),
    "policy/v1beta1": ("1.25", "policy/v1"),
    "networking.k8s.io/v1beta1": ("1.22", "networking.k8s.io/v1"),
    "rbac.authorization.k8s.io/v1beta1": ("1.22", "rbac.authorization.k8s.io/v1"),
    "rbac.authorization.k8s.io/v1alpha1": ("1.22", "rbac.authorization.k8s.io/v1"),
    "apiextensions.k8s.io/v1beta1": ("1.22", "apiextensions.k8s.io/v1"),
    "admissionregistration.k8s.io/v1beta1": ("1.22", "admissionregistration.k8s.io/v1"),
    "apiregistration.k8s.io/v1beta1": ("1.22", "apiregistration.k8s.io/v1"),
    "certificates.k8s.io/v1beta1": ("1.22", "certificates.k8s.io/v1"),
    "coordination.k8s.io/v1beta1": ("1.22", "coordination.k8s.io/v1"),
    "scheduling.k8s.io/v1beta1": ("1.22", "scheduling.k8s.io/v1"),
    "scheduling.k8s.io/v1alpha1": ("1.17", "scheduling.k8s.io/v1"),
    "storage.k8s.io/v1alpha1": ("1.22", "storage.k8s.io/v1"),
    "authentication.k8s.io/v1beta1": ("1.22", "authentication.k8s.io/v1"),
    "authorization.k8s.io/v1beta1": ("1.22", "authorization.k8s.io/v1"),
    "discovery.k8s.io/v1beta1": ("1.25", "discovery.k8s.io/v1"),
    "events.k8s.io/v1beta1": ("1.25", "events.k8s.io/v1"),
    "node.k8s.io/v1beta1": ("1.25", "node.k8s.io/v1"),
    "autoscaling/v2beta1": ("1.25", "autoscaling/v2"),
    "autoscaling/v2beta2": ("1.26", "autoscaling/v2"),
    "flowcontrol.apiserver.k8s.io/v1beta1": ("1.26", "flowcontrol.apiserver.k8s.io/v1"),
    "flowcontrol.apiserver.k8s.io/v1beta2": ("1.29", "flowcontrol.apiserver.k8s.io/v1"),
    "flowcontrol.apiserver.k8s.io/v1beta3": ("1.32", "flowcontrol.apiserver.k8s.io/v1"),
}
# Per kind where a group version's kinds moved to different places, were removed in different releases
# (storage.k8s.io/v1beta1) or were not replaced at all (PodSecurityPolicy).
_NO_SUCCESSOR = ("Pod Security Admission (the pod-security.kubernetes.io namespace labels) instead: the kind has no "
                 "successor")
REMOVED_KINDS: dict[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "Deployment"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet"): ("1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy"): ("1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "Ingress"): ("1.22", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("1.16", _NO_SUCCESSOR),
    ("policy/v1beta1", "PodSecurityPolicy"): ("1.25", _NO_SUCCESSOR),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): ("1.27", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSIDriver"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "CSINode"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ("1.22", "storage.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): ("1.22", "storage.k8s.io/v1"),
}


@rule(id="CSK081", slug="removed-api-version", severity=Severity.ERROR, stage=Stage.INFRASTRUCTURE,
      aliases=("KSV107", "no-extensions-v1beta", "stable-version"),
      summary="Object uses an API version that Kubernetes has removed",
      why="A cluster of a current release rejects the manifest: what the repository says is deployed is not "
          "what runs, and its security settings are never applied.",
      bad="apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web",
      good="apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web",
      notes="The table follows the Kubernetes deprecated API migration guide, through release 1.32.")
def check(bundle: Bundle, options: K8sOptions) -> Iterator[ManifestHit]:
    for obj in bundle.objects:
        removed = REMOVED_KINDS.get((obj.api_version, obj.kind)) or REMOVED.get(obj.api_version)
        if removed is not None:
            release, replacement = removed
            yield ManifestHit(f"{obj.ref} uses {obj.api_version}, removed in Kubernetes {release}: use "
                              f"{replacement}", obj, ("apiVersion",))
