"""Manifests in: files, directories, standard input and Kustomize renders, read into Kubernetes objects.

Every input that cannot be read becomes an error naming it (and the line, where known); the others are still
read. A directory yields the YAML and JSON files holding Kubernetes objects; other YAML there (Helm values,
CI files) is skipped and counted. An explicit file, standard input or a render that holds no object is an
error: an input that was meant to be checked must never pass as clean.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from containersec.findings import InputError, Stage
from containersec.infra.model import Container, K8sObject, get
from containersec.infra.yamldoc import Map, Seq, documents

STDIN = "-"
MAX_BYTES = 16 * 1024 * 1024
EXTENSIONS = (".yaml", ".yml", ".json")
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KUSTOMIZE_TIMEOUT = 300
_SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".venv", "__pycache__"})
# Files of tools around Kubernetes that are not objects for the cluster.
_TOOL_GROUPS = ("kustomize.config.k8s.io", "config.kubernetes.io")
_HELM_SOURCE = "# Source: "


@dataclass
class Loaded:
    """What the inputs held: objects, the texts they were read from, errors, and what was skipped."""

    objects: list[K8sObject] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    files: int = 0  # inputs that held at least one object
    skipped: list[str] = field(default_factory=list)  # files found in a directory that hold no object
    notes: list[str] = field(default_factory=list)

    def error(self, path: str, message: str, line: int | None = None) -> None:
        text = f"line {line}: {message}" if line else message
        self.errors.append(InputError(path, text, Stage.INFRASTRUCTURE, line))


def load(paths: Iterable[str], *, stdin_name: str = STDIN, kustomize: bool = False,
         exclude: Iterable[str] = ()) -> Loaded:
    """Read every input; `kustomize` renders directories that hold a kustomization with `kubectl kustomize`."""
    loaded = Loaded()
    patterns = list(exclude)
    for path in paths:
        if path == STDIN:
            _read_stdin(loaded, stdin_name)
        elif os.path.isdir(path):
            if kustomize and _kustomization(path):
                _render(loaded, path)
                continue
            found = [f for f in _walk(path, loaded.notes) if not any(fnmatchcase(f, p) for p in patterns)]
            for file in found:
                _read_file(loaded, file, explicit=False)
            if not found:
                loaded.notes.append(f"{path}: no .yaml, .yml or .json file in this directory")
        elif os.path.exists(path):
            _read_file(loaded, path, explicit=True)
        else:
            loaded.error(path, "no such file or directory")
    if loaded.skipped:
        loaded.notes.append(f"skipped {len(loaded.skipped)} YAML/JSON file(s) without Kubernetes objects")
    return loaded


def _walk(root: str, notes: list[str] | None = None) -> Iterator[str]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in _SKIPPED_DIRECTORIES)
        if "Chart.yaml" in files and "templates" in subdirectories:
            # Helm templates are not YAML until rendered; the chart's values.yaml is read (and skipped) as any
            subdirectories.remove("templates")
            if notes is not None:
                notes.append(f"{directory}: a Helm chart; its templates are checked once rendered: "
                             "helm template CHART | containersec k8s -")
        for name in sorted(files):
            if name.endswith(EXTENSIONS):
                path = os.path.join(directory, name)
                yield path.removeprefix("./") if root == "." else path


def _read_file(loaded: Loaded, path: str, *, explicit: bool) -> None:
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device would block or never end
            loaded.error(path, "not a regular file (a FIFO, socket or device)")
            return
        size = status.st_size
        if size > MAX_BYTES:
            loaded.error(path, f"is {size / 1048576:.1f} MB, above the {MAX_BYTES // 1048576} MB limit for a "
                               "manifest file")
            return
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        loaded.error(path, f"cannot read: {exc.strerror or exc}")
        return
    _read_text(loaded, path, data, explicit=explicit)


def _read_stdin(loaded: Loaded, name: str) -> None:
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        loaded.error(name, f"standard input is above the {MAX_BYTES // 1048576} MB limit for manifests")
        return
    _read_text(loaded, name, data, explicit=True)


def _decode(loaded: Loaded, path: str, data: bytes) -> str | None:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        loaded.error(path, f"not valid UTF-8 at byte {exc.start}")
        return None


def _read_text(loaded: Loaded, path: str, data: bytes, *, explicit: bool) -> list[K8sObject]:
    """Objects of one input; `explicit`: the user named it, so holding no object is an error."""
    text = _decode(loaded, path, data)
    if text is None:
        return []
    objects: list[K8sObject] = []
    problems: list[tuple[str, int | None]] = []
    tool_files = not_objects = 0
    templates = _helm_sources(text) if _HELM_SOURCE in text else None
    for document in documents(text):
        if document.error is not None:
            problems.append((document.error.message, document.error.line or document.line))
            continue
        value = document.value
        if value is None:
            continue
        if isinstance(value, Map) and _is_tool_file(value):
            tool_files += 1
            continue
        item_problems: list[tuple[str, int | None]] = []
        found = list(_objects(path, value, item_problems))
        problems.extend(item_problems)
        not_objects += len(item_problems)
        if found:
            if templates is not None:
                for obj in found:
                    obj.template = templates[document.line - 1]
            objects.extend(found)
        elif not item_problems:
            problems.append((f"document {document.index + 1} is not a Kubernetes object: {_not_an_object(value)}",
                             document.line))
            not_objects += 1
    unreadable = len(problems) > not_objects
    if not objects and not explicit and not unreadable:
        loaded.skipped.append(path)  # other YAML in a directory: Helm values, CI files, ...
        return []
    if not objects and not problems:
        problems.append(("holds a kustomization, not Kubernetes objects: render it with --kustomize"
                         if tool_files else "holds no Kubernetes object", None))
    for message, line in problems:
        loaded.error(path, message, line)
    loaded.sources[path] = text
    loaded.objects.extend(objects)
    loaded.files += bool(objects)
    return objects


def _helm_sources(text: str) -> list[str | None]:
    """Per line, the chart template that `helm template` says the current document came from (its
    `# Source: chart/templates/x.yaml` comment), or None."""
    current: str | None = None
    found = []
    for line in text.split("\n"):
        if line.startswith("---"):
            current = None
        elif line.startswith(_HELM_SOURCE):
            current = line[len(_HELM_SOURCE):].strip() or None
        found.append(current)
    return found


def _is_tool_file(value: Map) -> bool:
    api_version = value.get("apiVersion")
    return isinstance(api_version, str) and api_version.startswith(_TOOL_GROUPS)


def _objects(path: str, value: object, problems: list[tuple[str, int | None]] | None = None) -> Iterator[K8sObject]:
    """The object a document is, or the items of a `List` kind (`v1/List`, `RoleList`, ...); an item that is
    not an object is a problem (with its line), as `kubectl apply` rejects it."""
    if not isinstance(value, Map) or _not_an_object(value):
        return
    items = value.get("items")
    if value["kind"].endswith("List") and isinstance(items, Seq):
        for index, item in enumerate(items):
            reason = _not_an_object(item)
            if reason and problems is not None:
                problems.append((f"item {index + 1} of {value['kind']} is not a Kubernetes object: {reason}",
                                 items.items_at[index][0]))
            yield from _objects(path, item, problems)
        return
    yield _object(path, value)


def _not_an_object(value: object) -> str | None:
    """Why a document or List item is not a Kubernetes object, or None when it is one."""
    if not isinstance(value, Map):
        return f"it is {'a list' if isinstance(value, Seq) else 'a single value'}, not a mapping"
    kind, api_version = value.get("kind"), value.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str) or not kind or not api_version:
        return "it has no apiVersion and kind"
    return None


def _object(path: str, value: Map) -> K8sObject:
    metadata = value.get("metadata")
    name = get(metadata, "name") or get(metadata, "generateName")
    namespace = get(metadata, "namespace")
    return K8sObject(path=path, data=value, kind=value["kind"], api_version=value["apiVersion"],
                     name=name if isinstance(name, str) else "",
                     namespace=namespace if isinstance(namespace, str) and namespace else None)


# --- Kustomize ---------------------------------------------------------------------------------------------


def _kustomization(directory: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def _render(loaded: Loaded, directory: str) -> None:
    """`kubectl kustomize DIR`; each rendered object points into the file it came from where that is found."""
    kubectl = shutil.which("kubectl")
    kustomization = _kustomization(directory) or directory
    if kubectl is None:
        loaded.error(kustomization, "--kustomize needs kubectl on PATH (Debian: kubernetes-client), or render "
                                    "it yourself and pipe it in: kubectl kustomize DIR | containersec k8s -")
        return
    try:
        result = subprocess.run([kubectl, "kustomize", directory], capture_output=True, timeout=KUSTOMIZE_TIMEOUT,
                                check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        loaded.error(kustomization, f"kubectl kustomize did not finish within {KUSTOMIZE_TIMEOUT} s")
        return
    if result.returncode != 0:
        problem = result.stderr.decode("utf-8", "replace").strip().splitlines()
        loaded.error(kustomization, f"kubectl kustomize failed: {problem[-1] if problem else result.returncode}")
        return
    rendered = Loaded()
    objects = _read_text(rendered, f"{kustomization} (rendered)", result.stdout, explicit=True)
    for error in rendered.errors:
        loaded.error(kustomization, f"the render {error.message}")
    if not objects:
        return
    origins = _origins(directory)
    for obj in objects:
        obj.origins = _origins_of(obj, origins)
        obj.rendered_from = kustomization
    loaded.objects.extend(objects)
    loaded.files += 1
    loaded.sources.update(_texts_of(origins))


def _origins(directory: str) -> list[K8sObject]:
    """Objects written in the files a kustomization builds on: its folder, and the local files and folders its
    `resources`, `bases`, `components` and `patches` name (an overlay's `../base`), followed to any depth."""
    scratch = Loaded()
    seen: set[str] = set()
    pending = [directory]
    while pending:
        folder = pending.pop()
        if os.path.realpath(folder) in seen:
            continue
        seen.add(os.path.realpath(folder))
        for path in _walk(folder):
            if os.path.realpath(path) not in seen:
                seen.add(os.path.realpath(path))
                _read_file(scratch, path, explicit=False)
        pending.extend(_local_bases(folder))
    return scratch.objects


def _local_bases(folder: str) -> list[str]:
    """Local folders a kustomization names (remote URLs and files inside the folder need no following)."""
    kustomization = _kustomization(folder)
    if kustomization is None:
        return []
    try:
        with open(kustomization, encoding="utf-8") as handle:
            text = handle.read(MAX_BYTES)
    except (OSError, UnicodeDecodeError):
        return []
    document = next(documents(text), None)
    value = document.value if document is not None else None
    if not isinstance(value, dict):
        return []
    entries = [entry for key in ("resources", "bases", "components") if isinstance(value.get(key), list)
               for entry in value[key] if isinstance(entry, str) and "://" not in entry]
    found = []
    for entry in entries:
        path = os.path.normpath(os.path.join(folder, entry))
        if os.path.isdir(path):
            found.append(path)
    return found


def _texts_of(objects: list[K8sObject]) -> dict[str, str]:
    texts = {}
    for path in {obj.path for obj in objects}:
        try:
            with open(path, encoding="utf-8") as handle:
                texts[path] = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
    return texts


def _origins_of(obj: K8sObject, origins: list[K8sObject]) -> tuple[K8sObject, ...]:
    """The written objects a rendered one comes from (its patches and its base): same kind and name, else the
    longest name it contains (Kustomize's namePrefix and nameSuffix)."""
    same_kind = [o for o in origins if o.kind == obj.kind and o.name]
    exact = tuple(o for o in same_kind if o.name == obj.name)
    if exact:
        return exact
    inside = [o for o in same_kind if o.name in obj.name]
    longest = max((len(o.name) for o in inside), default=0)
    return tuple(o for o in inside if len(o.name) == longest)


def containers_in(text: str, path: str) -> Iterator[Container]:
    """The containers of every workload in one manifest text (any unreadable document skipped): for tools that
    rewrite the text, such as `containersec pin`."""
    from containersec.infra.model import workload_of

    for document in documents(text):
        if document.error is None:
            for obj in _objects(path, document.value):
                workload = workload_of(obj, {})
                if workload is not None:
                    yield from workload.containers
