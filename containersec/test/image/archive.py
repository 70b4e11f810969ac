"""Image inputs without a daemon: a docker-archive tarball, an OCI image layout folder, or an OCI archive.

`docker save` (and `skopeo copy ... docker-archive:`) writes `manifest.json`; Docker 25 and later also writes an
OCI layout beside it, whose blobs the `Layers` name. An OCI layout has `index.json` (tags in the
`org.opencontainers.image.ref.name` annotation) whose entries may be indexes over platforms. manifest.json is
read first, else index.json (research 2.3). Every blob read is checked against its digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from containersec.images import parse_image
from containersec.untrusted import DocumentError, json_data
from containersec.untrusted.tar_headers import BoundedTarInfo
from containersec.untrusted.values import as_list, as_map

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")
REF_NAME = "org.opencontainers.image.ref.name"
IMAGE_NAME = "io.containerd.image.name"
_DIGEST = re.compile(r"^(sha256|sha512):([0-9a-f]{64}|[0-9a-f]{128})$")
_MAX_JSON = 16 * 1024 * 1024  # manifests and configs are kilobytes; refuse to read a huge "manifest"
# An image archive holds a few files per blob; more members than this is a tar bomb, not an image.
MAX_ARCHIVE_MEMBERS = 100_000


class ArchiveError(Exception):
    """The input is not an image this reader can check; the message names the problem."""


@dataclass(frozen=True)
class LayerRef:
    index: int
    location: str  # the blob's path inside the archive or layout
    media_type: str
    blob_digest: str | None  # None where the format has no digest for the stored blob (legacy docker-archive)
    diff_id: str | None
    size: int | None


@dataclass(frozen=True)
class Selected:
    """One image picked out of an input: its config and its layers, in order."""

    format: str  # docker-archive, oci-layout, oci-archive
    reference: str  # the tag or digest that names it, as found
    manifest_digest: str | None
    config: dict[str, Any]
    config_digest: str | None
    layers: tuple[LayerRef, ...]

    @property
    def platform(self) -> str | None:
        """`linux/arm64/v8`: the platform the image's config declares, None when it declares none."""
        return platform_of(self.config)


def platform_of(spec: Any) -> str | None:
    """OS/ARCH[/VARIANT] of an image config or an index entry's `platform`; None when it names none."""
    if not isinstance(spec, dict):
        return None
    parts = [spec.get(key) for key in ("os", "architecture", "variant")]
    shown = "/".join(part for part in parts if isinstance(part, str) and part)
    return shown or None


def platform_matches(platform: str | None, wanted: str) -> bool:
    """`linux/arm64` matches linux/arm64 and linux/arm64/v8; a variant asked for must be there."""
    return platform is not None and (platform == wanted or platform.startswith(wanted + "/"))


def split_reference(argument: str) -> tuple[str, str | None]:
    """`image.tar:v2` -> ("image.tar", "v2"), `layout@sha256:...` -> ("layout", "sha256:..."); paths win."""
    if os.path.exists(argument):
        return argument, None
    path, at, digest = argument.rpartition("@")
    if at and os.path.exists(path):
        return path, digest
    # The reference may hold colons itself (`image.tar:test/app:v2`): the path is the shortest prefix that exists.
    for position, char in enumerate(argument):
        if char == ":" and os.path.exists(argument[:position]):
            return argument[:position], argument[position + 1:]
    return argument, None


class Store:
    """Named blobs of a tar or a folder; reads are bounded for JSON and streamed for layers."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._tar: tarfile.TarFile | None = None
        self._members: dict[str, tarfile.TarInfo] = {}
        if not os.path.exists(path):
            raise ArchiveError("no such file or directory")
        if os.path.isdir(path):
            return
        try:
            self._tar = tarfile.open(path, mode="r:", tarinfo=BoundedTarInfo)  # noqa: SIM115 (kept open; see close)
            for member in self._tar:
                self._members[member.name.removeprefix("./")] = member
                if len(self._members) > MAX_ARCHIVE_MEMBERS:
                    raise ArchiveError(f"has more than {MAX_ARCHIVE_MEMBERS:,} members: a tar bomb, not an image")
        except DocumentError as exc:
            raise ArchiveError(f"not a readable image tarball: {exc}") from None
        except tarfile.ReadError as exc:
            problem = "it ends early (truncated?)" if "unexpected end" in str(exc) or self._members else str(exc)
            raise ArchiveError(f"not a readable image tarball: {problem}") from None
        except OSError as exc:
            raise ArchiveError(f"cannot read: {exc.strerror or exc}") from None

    def ends_cleanly(self) -> bool:
        """A folder, or a tar that ends with the two zero blocks of a complete archive."""
        if self._tar is None:
            return True
        with open(self.path, "rb") as handle:
            handle.seek(max(os.path.getsize(self.path) - 1024, 0))
            return handle.read() == bytes(1024)

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()

    def has(self, name: str) -> bool:
        if self._tar is None:
            return os.path.isfile(self._local(name))
        return name in self._members

    @contextlib.contextmanager
    def open(self, name: str, what: str) -> Iterator[IO[bytes]]:
        if self._tar is None:
            with self._open_blob(name, what) as handle:
                yield handle
            return
        member = self._members.get(name)
        handle = self._tar.extractfile(member) if member is not None else None
        if handle is None:
            raise ArchiveError(f"{what} is missing from the archive: {name}")
        with handle:
            yield handle

    def json(self, name: str, what: str, digest: str | None = None) -> Any:
        with self.open(name, what) as handle:
            data = handle.read(_MAX_JSON + 1)
        if len(data) > _MAX_JSON:
            raise ArchiveError(f"{what} {name} is larger than {_MAX_JSON // (1024 * 1024)} MiB")
        if digest is not None:
            algorithm = digest.partition(":")[0]
            actual = f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
            if actual != digest:
                raise ArchiveError(f"{what} does not match its digest: expected {digest}, got {actual}")
        try:
            return json_data.loads(data, max_bytes=_MAX_JSON)
        except DocumentError as exc:
            raise ArchiveError(f"{what} {name} is {exc}") from None

    def _open_blob(self, name: str, what: str) -> IO[bytes]:
        """A blob of the layout folder, only when it is a regular file inside the folder.

        A blob that links out of the folder, or is a FIFO or a device (`/dev/zero`), would have the run
        read what is not the image, or wait forever.
        """
        local = self._local(name)
        real, root = os.path.realpath(local), os.path.realpath(self.path)
        if os.path.commonpath((real, root)) != root:
            raise ArchiveError(f"{what} {name} is a link out of the layout folder")
        try:
            # Non-blocking, so that opening a FIFO returns at once; the type is checked before any read.
            descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            raise ArchiveError(f"{what} is missing: {name}") from None
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise ArchiveError(f"{what} {name} is not a regular file")
        return os.fdopen(descriptor, "rb")

    def _local(self, name: str) -> str:
        # Names come from the image's own JSON: never let one leave the layout folder.
        normal = os.path.normpath(name)
        if os.path.isabs(normal) or normal.startswith(".."):
            raise ArchiveError(f"blob path {name!r} points outside the layout")
        return os.path.join(self.path, normal)


def blob_path(digest: str) -> str:
    match = _DIGEST.match(digest if isinstance(digest, str) else "")
    if not match:
        raise ArchiveError(f"invalid digest {digest!r}")
    return f"blobs/{match[1]}/{match[2]}"


def select(store: Store, reference: str | None, platform: str | None) -> Selected:
    """The image the reference (tag or digest) and platform name; an image of another platform is an error."""
    if store.has("manifest.json"):
        selected = _select_docker(store, reference)
    elif store.has("index.json"):
        selected = _select_oci(store, reference, platform)
    else:
        raise _neither(store)
    if platform is not None and not platform_matches(selected.platform, platform):
        raise ArchiveError(f"the image is for {selected.platform or 'no declared platform'}, not {platform}")
    return selected


def list_images(store: Store) -> list[dict[str, Any]]:
    """Every image an input holds: its names (tags), manifest digest, config digest and platform."""
    if store.has("manifest.json"):
        entries = store.json("manifest.json", "manifest.json")
        if not isinstance(entries, list):
            raise ArchiveError("manifest.json is not a list of images")
        listed = []
        for entry in (e for e in entries if isinstance(e, dict)):
            digest = _config_digest(entry) or None
            config = store.json(entry["Config"], "config", digest) if isinstance(entry.get("Config"), str) else {}
            listed.append({"names": [t for t in entry.get("RepoTags") or [] if isinstance(t, str)],
                           "manifest_digest": None, "config_digest": digest, "platform": platform_of(config)})
        return listed
    if not store.has("index.json"):
        raise _neither(store)
    listed = []
    for descriptor, names, manifest, digest in _oci_manifests(store):
        config = manifest.get("config") if isinstance(manifest.get("config"), dict) else {}
        config_digest = config.get("digest") if isinstance(config.get("digest"), str) else None
        blob = store.json(blob_path(config_digest), f"config {config_digest}", config_digest) if config_digest else {}
        listed.append({"names": names, "manifest_digest": digest, "config_digest": config_digest,
                       "platform": platform_of(blob) or platform_of(descriptor.get("platform"))})
    return listed


def _neither(store: Store) -> ArchiveError:
    return ArchiveError("neither a docker-archive (no manifest.json) nor an OCI image layout (no index.json)"
                       + ("" if store.ends_cleanly() else "; the tarball ends without its end-of-archive blocks, "
                          "so it may be truncated"))


def _select_docker(store: Store, reference: str | None) -> Selected:
    entries = store.json("manifest.json", "manifest.json")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ArchiveError("manifest.json is not a list of images")

    def names(entry: dict[str, Any]) -> list[str]:
        tags = as_list(entry.get("RepoTags"))
        return [t for t in tags if isinstance(t, str)] + [_config_digest(entry)]

    chosen = _choose(entries, reference, names, lambda entry, ref: any(_tag_matches(n, ref) for n in names(entry)))
    config_name = chosen.get("Config")
    layers = chosen.get("Layers")
    if not isinstance(config_name, str) or not isinstance(layers, list):
        raise ArchiveError("manifest.json entry has no Config or Layers")
    config_digest = _config_digest(chosen) or None
    config = store.json(config_name, "config", config_digest)
    if not isinstance(config, dict):
        raise ArchiveError(f"config {config_name} is not a JSON object")
    diff_ids = _diff_ids(config)
    refs = []
    for index, location in enumerate(layers):
        if not isinstance(location, str):
            raise ArchiveError(f"manifest.json Layers[{index}] is not a path")
        refs.append(LayerRef(index, location, "", _digest_of_blob_name(location), _at(diff_ids, index), None))
    return Selected("docker-archive", _label(chosen, names, reference), None, config, config_digest, tuple(refs))


def _config_digest(entry: dict[str, Any]) -> str:
    name = entry.get("Config")
    return (_digest_of_blob_name(name) or "") if isinstance(name, str) else ""


def _digest_of_blob_name(name: str) -> str | None:
    """`blobs/sha256/<hex>` (Docker 25+) and `<hex>.json`/`<hex>.tar` (skopeo) name their content's sha256."""
    match = re.fullmatch(r"(?:blobs/sha256/)?([0-9a-f]{64})(?:\.json|\.tar)?", name)
    return f"sha256:{match[1]}" if match else None


def _oci_descriptors(store: Store) -> list[dict[str, Any]]:
    index = store.json("index.json", "index.json")
    descriptors = index.get("manifests") if isinstance(index, dict) else None
    if not isinstance(descriptors, list) or not descriptors:
        raise ArchiveError("index.json lists no images")
    return [d for d in descriptors if isinstance(d, dict)]


def _oci_names(descriptor: dict[str, Any]) -> list[str]:
    annotations = as_map(descriptor.get("annotations"))
    found = [annotations.get(REF_NAME), annotations.get(IMAGE_NAME), descriptor.get("digest")]
    return [n for n in found if isinstance(n, str)]


def _oci_manifests(store: Store) -> Iterator[tuple[dict[str, Any], list[str], dict[str, Any], str]]:
    """Each image manifest of the layout, through its indexes: (descriptor, names, manifest, manifest digest)."""
    pending = [(descriptor, _oci_names(descriptor), 0) for descriptor in _oci_descriptors(store)]
    while pending:
        descriptor, names, depth = pending.pop(0)
        digest = descriptor.get("digest")
        document = store.json(blob_path(digest), f"manifest {digest}", digest)
        if not isinstance(document, dict):
            raise ArchiveError(f"manifest {digest} is not a JSON object")
        if document.get("mediaType") not in INDEX_TYPES and "manifests" not in document:
            yield descriptor, names, document, digest
        elif depth < 4:
            pending.extend((child, names, depth + 1) for child in document.get("manifests") or []
                           if isinstance(child, dict) and (child.get("platform") or {}).get("os") != "unknown")


def _select_oci(store: Store, reference: str | None, platform: str | None) -> Selected:
    descriptors = _oci_descriptors(store)
    try:
        chosen = _choose(descriptors, reference, _oci_names,
                         lambda d, ref: any(_tag_matches(n, ref) for n in _oci_names(d)))
    except ArchiveError:
        # LAYOUT@DIGEST may name the config, or one platform's manifest inside an index, as for a docker-archive.
        inner = _by_inner_digest(store, reference) if reference is not None and _DIGEST.match(reference) else None
        if inner is None:
            raise
        manifest, digest = inner
        label = reference
    else:
        label = _label(chosen, _oci_names, reference)
        manifest, digest = _manifest(store, chosen, platform)
    config_descriptor = manifest.get("config")
    if not isinstance(config_descriptor, dict):
        raise ArchiveError(f"manifest {digest} has no config")
    config_digest = config_descriptor.get("digest")
    config = store.json(blob_path(config_digest), f"config {config_digest}", config_digest)
    if not isinstance(config, dict):
        raise ArchiveError(f"config {config_digest} is not a JSON object")
    diff_ids = _diff_ids(config)
    layers = manifest.get("layers")
    if not isinstance(layers, list):
        raise ArchiveError(f"manifest {digest} has no layers list")
    refs = []
    for position, layer in enumerate(layers):
        if not isinstance(layer, dict):
            raise ArchiveError(f"manifest {digest} layers[{position}] is not a descriptor")
        layer_digest = layer.get("digest")
        refs.append(LayerRef(position, blob_path(layer_digest), str(layer.get("mediaType") or ""), layer_digest,
                             _at(diff_ids, position), layer.get("size") if isinstance(layer.get("size"), int)
                             else None))
    fmt = "oci-layout" if os.path.isdir(store.path) else "oci-archive"
    return Selected(fmt, label, digest, config, config_digest, tuple(refs))


def _by_inner_digest(store: Store, wanted: str) -> tuple[dict[str, Any], str] | None:
    for _, _, manifest, digest in _oci_manifests(store):
        config = manifest.get("config")
        if digest == wanted or (isinstance(config, dict) and config.get("digest") == wanted):
            return manifest, digest
    return None


def _manifest(store: Store, descriptor: dict[str, Any], platform: str | None) -> tuple[dict[str, Any], str]:
    """The image manifest a descriptor leads to, through indexes, choosing `platform` where there are several."""
    for _ in range(4):  # an index of indexes is allowed; deeper nesting is not something builders write
        digest = descriptor.get("digest")
        document = store.json(blob_path(digest), f"manifest {digest}", digest)
        if not isinstance(document, dict):
            raise ArchiveError(f"manifest {digest} is not a JSON object")
        # umoci writes manifests without mediaType: an index is what has `manifests` (research 2.3).
        if document.get("mediaType") not in INDEX_TYPES and "manifests" not in document:
            return document, digest
        descriptor = _platform(as_list(document.get("manifests")), platform, digest)
    raise ArchiveError("indexes nested more than four deep")


def _platform(children: list[Any], wanted: str | None, digest: str) -> dict[str, Any]:
    images = {}
    for child in children:
        if not isinstance(child, dict):
            continue
        spec = as_map(child.get("platform"))
        if spec.get("os") == "unknown":  # BuildKit attestation manifests
            continue
        parts = (spec.get("os"), spec.get("architecture"), spec.get("variant"))
        name = "/".join(str(part) for part in parts if part)
        images[name or str(child.get("digest"))] = child
    if wanted:
        for name, child in images.items():
            if name == wanted or name.startswith(wanted + "/"):
                return child
        raise ArchiveError(f"index {digest} has no image for platform {wanted} (it has: {', '.join(images)})")
    if len(images) == 1:
        return next(iter(images.values()))
    raise ArchiveError(f"index {digest} holds images for {', '.join(images) or 'no platform'}: choose one with "
                       "--platform OS/ARCH")


Names = Callable[[dict[str, Any]], list[str]]


def _choose(entries: list[dict[str, Any]], reference: str | None, names: Names,
            matches: Callable[[dict[str, Any], str], bool]) -> dict[str, Any]:
    if reference is None:
        if len(entries) == 1:
            return entries[0]
        shown = ", ".join(next(iter(names(e)), "?") for e in entries)
        raise ArchiveError(f"holds {len(entries)} images ({shown}): name one as PATH:TAG or PATH@DIGEST")
    found = [e for e in entries if matches(e, reference)]
    if not found:
        shown = ", ".join(n for e in entries for n in names(e)[:1])
        raise ArchiveError(f"has no image {reference!r} (it has: {shown})")
    return found[0]


def _tag_matches(name: str, reference: str) -> bool:
    """`v2` matches `docker.io/test/app:v2` and `v2`; `app:v2`, `library/app:v2` and `docker.io/library/app:v2`
    are one image, as Docker normalises short names."""
    if name == reference:
        return True
    if _DIGEST.match(name) or _DIGEST.match(reference):
        return False
    if ":" not in reference and "/" not in reference:
        return name.rpartition(":")[2] == reference
    return parse_image(name).normalised == parse_image(reference).normalised


def _label(entry: dict[str, Any], names: Names, reference: str | None) -> str:
    return reference or next(iter(names(entry)), "")


def _diff_ids(config: dict[str, Any]) -> list[Any]:
    rootfs = config.get("rootfs")
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    return diff_ids if isinstance(diff_ids, list) else []


def _at(values: list[Any], index: int) -> str | None:
    value = values[index] if index < len(values) else None
    return value if isinstance(value, str) else None

