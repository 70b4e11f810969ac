"""Kubernetes objects, workloads and containers over positioned YAML values, and where a finding points.

A check names the place it is about as a path of keys and indexes inside an object; the place is turned into
a line and column here, at the deepest part of the path the object has (a missing field points at the
mapping that should hold it). An object rendered by Kustomize keeps the object it came from, and its findings
point into that file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from containersec.infra.yamldoc import Map, Mark, Seq

FieldPath = tuple[str | int, ...]

CONTAINER_GROUPS = ("initContainers", "containers", "ephemeralContainers")
# securityContext fields a pod sets for every container that does not set its own.
POD_LEVEL_SETTINGS = frozenset({"runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile",
                                "appArmorProfile", "windowsOptions"})

# Where the pod spec is in each built-in workload kind (the pod template's metadata is its sibling).
POD_SPEC_PATHS: dict[str, FieldPath] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    # Workload kinds outside Kubernetes with a pod template, known without configuration.
    "Rollout": ("spec", "template", "spec"),  # Argo Rollouts
    "CloneSet": ("spec", "template", "spec"),  # OpenKruise
}


def get(value: Any, *path: str | int) -> Any:
    """The value at `path` inside nested mappings and sequences, or None where the path leaves them."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return None
        elif not isinstance(value, dict):
            return None
        value = value[step] if isinstance(step, int) else value.get(step)
    return value


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else an empty one: manifests are untrusted and may hold any shape."""
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def mark_of(value: Any, path: FieldPath, rendered: Any = None) -> tuple[int, Mark | None]:
    """How many steps of `path` `value` has, and the line and column of the deepest (a key where the step is a
    key). With `rendered` (the object Kustomize rendered from `value`), a list item that has a `name` (a
    container, a volume) is found by that name, as a strategic-merge patch matches it, not by its index."""
    found: Mark | None = value.mark if isinstance(value, (Map, Seq)) else None
    depth = 0
    for step in path:
        if isinstance(value, Map) and isinstance(step, str) and step in value:
            found = value.keys_at[step]
            value = value[step]
            rendered = rendered.get(step) if isinstance(rendered, dict) else None
        elif isinstance(value, Seq) and isinstance(step, int):
            index = _same_item(value, rendered, step)
            if index is None:
                break
            found = value.items_at[index]
            value = value[index]
            rendered = rendered[step] if isinstance(rendered, list) and 0 <= step < len(rendered) else None
        else:
            break
        depth += 1
    return depth, found


def _same_item(items: Seq, rendered: Any, index: int) -> int | None:
    item = rendered[index] if isinstance(rendered, list) and 0 <= index < len(rendered) else None
    name = item.get("name") if isinstance(item, dict) else None
    if name is None:
        return index if 0 <= index < len(items) else None
    return next((i for i, written in enumerate(items) if isinstance(written, dict) and written.get("name") == name),
                None)


def object_ref(kind: str, namespace: str | None, name: str) -> str:
    """`Kind namespace/name` for messages."""
    return f"{kind} {namespace + '/' if namespace else ''}{name}"


@dataclass(eq=False)
class K8sObject:
    """One Kubernetes object of a manifest file."""

    path: str  # the file, as the user named it
    data: Map
    kind: str
    api_version: str
    name: str
    namespace: str | None  # as written; None when the manifest leaves it to the context
    # The objects in the user's files that Kustomize rendered this one from: the overlay's patches, then bases.
    origins: tuple[K8sObject, ...] = ()
    rendered_from: str | None = None  # the kustomization that rendered this object
    template: str | None = None  # the Helm chart template `helm template` rendered it from (`# Source:`)

    @property
    def labels(self) -> dict[str, Any]:
        return mapping(get(self.data, "metadata", "labels"))

    @property
    def annotations(self) -> dict[str, Any]:
        return mapping(get(self.data, "metadata", "annotations"))

    @property
    def group(self) -> str:
        """The API group: `apps` for `apps/v1`, "" for the core group's `v1`."""
        return self.api_version.rpartition("/")[0]

    def effective_namespace(self, default: str = "default") -> str:
        return self.namespace or default

    @property
    def identity(self) -> tuple[str, str, str]:
        """Kind, namespace and name: what the cluster knows the object by."""
        return self.kind, self.effective_namespace(), self.name

    @property
    def ref(self) -> str:
        return object_ref(self.kind, self.namespace, self.name)

    def location(self, path: FieldPath) -> tuple[str, int, int]:
        """File, line and column of `path` in the file the user wrote."""
        if not self.origins and self.rendered_from is not None:
            return self.rendered_from, 1, 1  # the written object was not found below the kustomization
        if not self.origins:
            mark = mark_of(self.data, path)[1] or self.data.mark
            return self.path, mark[0], mark[1]
        # The file that writes the most of the path (the first on a tie: a patch that sets the field, else the
        # base that has it).
        best, best_depth, best_mark = self.origins[0], -1, None
        for source in self.origins:
            depth, mark = mark_of(source.data, path, self.data)
            if depth > best_depth:
                best, best_depth, best_mark = source, depth, mark
        mark = best_mark or best.data.mark
        return best.path, mark[0], mark[1]


@dataclass(eq=False)
class Container:
    """A container, init container or ephemeral container of a workload."""

    workload: Workload
    group: str  # "containers", "initContainers" or "ephemeralContainers"
    index: int
    data: dict[str, Any]

    @property
    def name(self) -> str:
        name = self.data.get("name")
        return name if isinstance(name, str) else f"{self.group}[{self.index}]"

    @property
    def path(self) -> FieldPath:
        return (*self.workload.spec_path, self.group, self.index)

    @property
    def image(self) -> str | None:
        image = self.data.get("image")
        return image.strip() if isinstance(image, str) and image.strip() else None

    @property
    def security_context(self) -> dict[str, Any]:
        return mapping(self.data.get("securityContext"))

    def setting(self, key: str) -> tuple[Any, FieldPath | None]:
        """A securityContext field, set on the container or else inherited from the pod's securityContext
        (the fields both have), with where it is set; (None, None) when neither sets it."""
        if key in self.security_context:
            return self.security_context[key], (*self.path, "securityContext", key)
        pod = self.workload.security_context
        if key in POD_LEVEL_SETTINGS and key in pod:
            return pod[key], (*self.workload.spec_path, "securityContext", key)
        return None, None


@dataclass(eq=False)
class Workload:
    """An object that runs pods: its pod spec, the labels its pods get and its containers."""

    object: K8sObject
    spec_path: FieldPath
    spec: dict[str, Any]
    containers: list[Container] = field(default_factory=list)

    @property
    def pod_metadata(self) -> dict[str, Any]:
        if self.spec_path == ("spec",):  # a Pod: its own metadata
            return mapping(self.object.data.get("metadata"))
        return mapping(get(self.object.data, *self.spec_path[:-1], "metadata"))

    @property
    def pod_labels(self) -> dict[str, Any]:
        return mapping(self.pod_metadata.get("labels"))

    @property
    def pod_annotations(self) -> dict[str, Any]:
        return mapping(self.pod_metadata.get("annotations"))

    @property
    def security_context(self) -> dict[str, Any]:
        return mapping(self.spec.get("securityContext"))

    @property
    def namespace(self) -> str:
        return self.object.effective_namespace()

    @property
    def service_account(self) -> str:
        name = self.spec.get("serviceAccountName") or self.spec.get("serviceAccount")
        return name if isinstance(name, str) and name else "default"

    def field(self, *path: str | int) -> FieldPath:
        return (*self.spec_path, *path)


def workload_of(obj: K8sObject, custom_kinds: dict[str, FieldPath]) -> Workload | None:
    """The workload an object is, when its kind runs pods and it has a pod spec."""
    spec_path = custom_kinds.get(obj.kind) or POD_SPEC_PATHS.get(obj.kind)
    if spec_path is None:
        return None
    spec = get(obj.data, *spec_path)
    if not isinstance(spec, dict):
        return None
    workload = Workload(obj, spec_path, spec)
    for group in CONTAINER_GROUPS:
        for index, item in enumerate(sequence(spec.get(group))):
            if isinstance(item, dict):
                workload.containers.append(Container(workload, group, index, item))
    return workload


@dataclass
class Bundle:
    """Every object of one run, as the cross-object checks see a repository."""

    objects: list[K8sObject] = field(default_factory=list)
    workloads: list[Workload] = field(default_factory=list)
    # What several rules derive from the whole bundle (the RBAC graph), built once by the first that asks.
    derived: dict[str, Any] = field(default_factory=dict)

    def of_kind(self, *kinds: str) -> Iterator[K8sObject]:
        return (obj for obj in self.objects if obj.kind in kinds)

    def containers(self) -> Iterator[Container]:
        for workload in self.workloads:
            yield from workload.containers

    @property
    def namespaces(self) -> list[str]:
        return sorted({w.namespace for w in self.workloads})


@dataclass(frozen=True)
class ManifestHit:
    """What a Kubernetes check reports: a message, the object and the place inside it it is about."""

    message: str
    object: K8sObject
    path: FieldPath = ()
    container: str | None = None
    secret: bool = False  # the place holds a secret value: reporters must not print its line
    secret_kind: str | None = None  # the credential kind found (a secret catalogue ID)


def container_hit(container: Container, message: str, *path: str | int) -> ManifestHit:
    """A hit on a container field (or on the container itself with no `path`)."""
    return ManifestHit(message, container.workload.object, (*container.path, *path), container.name)


def setting_hit(container: Container, message: str, where: FieldPath | None) -> ManifestHit:
    """A hit on where a securityContext field is set, or on the container when nothing sets it."""
    return ManifestHit(message, container.workload.object, where or container.path, container.name)


def names(objects: Sequence[K8sObject]) -> str:
    return ", ".join(obj.ref for obj in objects)
