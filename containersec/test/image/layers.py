"""Each layer read once, as a stream: digests verified, whiteouts applied, small files' content scanned.

Nothing is extracted: tar headers become FileRecords of the merged tree, and the bytes of files under the
secret-scan limit are looked at and dropped. Memory grows with the number of paths, not with their size.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import posixpath
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from containersec.test.image.content import sightings
from containersec.test.image.model import FileRecord, Filesystem, UnsafeEntry
from containersec.untrusted.tar_headers import BoundedTarInfo

ACCOUNT_FILES = frozenset({"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"})
_ACCOUNT_FILE_LIMIT = 4 * 1024 * 1024
_CHUNK = 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
ZSTD_HINT = "install the zstd extra to read it: pip install 'containersec[zstd]' (backports-zstd)"
# More members (in all layers together) than any real image has; beyond it the image is a tar bomb.
MAX_ENTRIES = 5_000_000
# Uncompressed bytes of all layers together: the largest real images (CUDA, models) hold tens of GiB.
MAX_IMAGE_BYTES = 64 * 1024**3


class LayerError(Exception):
    """A layer that cannot be read or does not match its digest; the message names the problem."""


@dataclass
class Budget:
    """What one image may cost in all its layers together; past it the image is an error, not a partial read."""

    members_left: int = field(default_factory=lambda: MAX_ENTRIES)
    bytes_left: int = field(default_factory=lambda: MAX_IMAGE_BYTES)

    def spend_member(self) -> None:
        self.members_left -= 1
        if self.members_left < 0:
            raise LayerError(f"brings the image past {MAX_ENTRIES:,} members: a tar bomb, not an image layer")

    def spend_bytes(self, count: int) -> None:
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise LayerError(f"brings the image past {MAX_IMAGE_BYTES:,} uncompressed bytes: a decompression "
                             "bomb, not an image layer")


class HashingReader:
    """Reads from `raw`, hashing and counting what passes (and charging it to `budget`, when given)."""

    def __init__(self, raw: BinaryIO, budget: Budget | None = None) -> None:
        self._raw = raw
        self._budget = budget
        self.hash = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self.hash.update(data)
        self.count += len(data)
        if self._budget is not None:
            self._budget.spend_bytes(len(data))
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass

    @property
    def digest(self) -> str:
        return "sha256:" + self.hash.hexdigest()


class _Prefixed:
    """`head` (bytes already read to sniff the format), then the rest of `rest`."""

    def __init__(self, head: bytes, rest: HashingReader) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size < 0:
            data, self._head = self._head + self._rest.read(), b""
            return data
        data, self._head = self._head[:size], self._head[size:]
        return data + (self._rest.read(size - len(data)) if len(data) < size else b"")


def _decompressed(compressed: HashingReader, media_type: str) -> BinaryIO:
    head = compressed.read(4)
    stream = _Prefixed(head, compressed)
    if head.startswith(_GZIP_MAGIC) or media_type.endswith("+gzip"):
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[arg-type]
    if head.startswith(_ZSTD_MAGIC) or media_type.endswith("+zstd"):
        return _zstd().ZstdFile(stream, mode="rb")
    return stream  # type: ignore[return-value]


def _zstd():  # type: ignore[no-untyped-def]
    """Python 3.14's compression.zstd, else the backports-zstd package (the `zstd` extra)."""
    import importlib

    for name in ("compression.zstd", "backports.zstd"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise LayerError(f"is zstd-compressed; {ZSTD_HINT}")


@dataclass
class LayerFacts:
    index: int
    blob_digest: str
    diff_id: str
    compressed_bytes: int
    entries: int
    truncated_tail: bool


@dataclass
class _Pending:
    """One layer's changes, applied to the merged tree only when the layer is complete (whiteouts hit lower layers)."""

    records: dict[str, FileRecord] = field(default_factory=dict)
    accounts: dict[str, bytes] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    opaque: set[str] = field(default_factory=set)
    # One entry per kind of problem, with how many members have it: a layer of 500,000 climbing names
    # is one finding, not 500,000.
    unsafe: dict[str, tuple[UnsafeEntry, int]] = field(default_factory=dict)

    def report(self, kind: str, entry: UnsafeEntry) -> None:
        first, count = self.unsafe.get(kind, (entry, 0))
        self.unsafe[kind] = (first, count + 1)


def read_layer(raw: BinaryIO, *, index: int, media_type: str, blob_digest: str | None, diff_id: str | None,
               filesystem: Filesystem, scan_limit: int, accepted: Callable[[str], bool],
               budget: Budget | None = None) -> LayerFacts:
    """Stream layer `index` into `filesystem`; LayerError when it is unreadable or a digest does not match.

    `budget` is shared by the layers of one image (a fresh one when not given).
    """
    budget = budget if budget is not None else Budget()
    compressed = HashingReader(raw)
    try:
        uncompressed = HashingReader(_decompressed(compressed, media_type), budget)
        pending = _Pending()
        entries, truncated = _read_members(uncompressed, index, pending, filesystem, scan_limit, accepted, budget)
        uncompressed.drain()
        compressed.drain()
    except LayerError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError, ValueError) as exc:
        raise LayerError(f"is not a readable layer tar ({_reason(exc)})") from None
    except Exception as exc:
        if type(exc).__name__ != "ZstdError":  # the zstd module is optional, so its class is named, not imported
            raise
        raise LayerError(f"is not readable zstd data ({_reason(exc)})") from None
    if blob_digest and compressed.digest != blob_digest:
        raise LayerError(f"does not match its digest: expected {blob_digest}, the blob hashes to {compressed.digest}")
    if diff_id and uncompressed.digest != diff_id:
        raise LayerError(f"does not match rootfs.diff_ids[{index}]: expected {diff_id}, the uncompressed tar hashes "
                         f"to {uncompressed.digest}")
    _apply(pending, filesystem, index)
    return LayerFacts(index, compressed.digest, uncompressed.digest, compressed.count, entries, truncated)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return "the data ends early" if "unexpected end" in text or isinstance(exc, EOFError) else text


def _read_members(stream: HashingReader, index: int, pending: _Pending, filesystem: Filesystem, scan_limit: int,
                  accepted: Callable[[str], bool], budget: Budget) -> tuple[int, bool]:
    entries = 0
    try:
        tar = tarfile.open(fileobj=stream, mode="r|", tarinfo=BoundedTarInfo)  # type: ignore[call-overload]  # noqa: SIM115
    except tarfile.ReadError as exc:
        if "empty file" in str(exc):
            return 0, False  # an empty layer (a metadata-only step of some builders)
        raise
    last = None
    try:
        for last in tar:
            entries += 1
            budget.spend_member()
            _member(tar, last, index, pending, filesystem, scan_limit, accepted)
    except tarfile.ReadError as exc:
        # umoci 0.4 writes layers without the end-of-archive blocks and the last padding (research 2.3): accepted
        # when the last member's data is all there; the digests checked afterwards say whether the blob is
        # the one published.
        if last is not None and "unexpected end of data" in str(exc) and \
                stream.count >= last.offset_data + last.size:
            return entries, True
        raise
    return entries, False


def _member(tar: tarfile.TarFile, member: tarfile.TarInfo, index: int, pending: _Pending, filesystem: Filesystem,
            scan_limit: int, accepted: Callable[[str], bool]) -> None:
    path = _image_path(member.name, index, pending)
    if path is None:
        return
    directory, base = posixpath.split(path)
    if base == OPAQUE:
        pending.opaque.add(directory)
        return
    if base.startswith(WHITEOUT):
        pending.deleted.add(posixpath.join(directory, base[len(WHITEOUT):]))
        return
    kind = ("file" if member.isreg() else "dir" if member.isdir() else "symlink" if member.issym()
            else "hardlink" if member.islnk() else "other")
    if kind in ("symlink", "hardlink") and _escapes(directory, member.linkname, hard=kind == "hardlink"):
        pending.report(f"{kind} out", UnsafeEntry(member.name, index, f"{kind} to {member.linkname!r} points out "
                                                  "of the root filesystem"))
    if member.ischr() or member.isblk():
        device = "character" if member.ischr() else "block"
        pending.report("device", UnsafeEntry(member.name, index, f"{device} device node {member.devmajor}:"
                                             f"{member.devminor} (builders never write devices; runtimes make /dev)"))
    through = _symlinked_folder(directory, pending, filesystem)
    if through is not None:
        pending.report("through symlink", UnsafeEntry(member.name, index, f"written through {through.path!r}, a "
                                                      f"symlink to {through.link!r}"))
    pending.records[path] = FileRecord(path, kind, member.mode, member.uid, member.gid, member.size,
                                       member.linkname, index)
    if kind != "file" or member.size == 0:
        return
    if path in ACCOUNT_FILES and member.size <= _ACCOUNT_FILE_LIMIT:
        data = _content(tar, member)
        pending.accounts[path] = data
    elif member.size <= scan_limit and not accepted(path):
        data = _content(tar, member)
    else:
        return
    filesystem.sightings.extend(sightings(path, data, index))


def _content(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    data = handle.read() if handle is not None else b""
    if len(data) < member.size:
        raise LayerError(f"ends inside {member.name!r} ({len(data)} of its {member.size} bytes): the layer is "
                         "truncated")
    return data


def _symlinked_folder(directory: str, pending: _Pending, filesystem: Filesystem) -> FileRecord | None:
    """The symlink among the member's folders (this layer's or a lower one's), if one of them is a link."""
    while directory != "/":
        record = pending.records.get(directory) or filesystem.files.get(directory)
        if record is not None:
            return record if record.kind == "symlink" else None  # a real folder: its own parents were checked
        directory = posixpath.dirname(directory)
    return None


def _image_path(name: str, index: int, pending: _Pending) -> str | None:
    """`/`-rooted normal path of a member; None (and an UnsafeEntry) when it climbs out of the root."""
    normal = posixpath.normpath("/" + name.lstrip("/"))
    climbs = ".." in name.split("/") and posixpath.normpath(name.lstrip("/")).startswith("..")
    if climbs:
        pending.report("climbs", UnsafeEntry(name, index, "path climbs out of the root filesystem with '..'"))
        return None
    if name.startswith("/"):
        pending.report("absolute", UnsafeEntry(name, index, "absolute path (layer members are relative to the root)"))
    return None if normal == "/" else normal


def _escapes(directory: str, target: str, *, hard: bool) -> bool:
    """Whether a link target leaves the root: relative targets resolve from the link's folder, hard links from /."""
    if target.startswith("/"):
        return False  # absolute targets resolve inside the container's root
    base = "" if hard else directory.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target)).startswith("..")


def _apply(pending: _Pending, filesystem: Filesystem, index: int) -> None:
    filesystem.unsafe.extend(dataclasses.replace(entry, count=count) for entry, count in pending.unsafe.values())
    files = filesystem.files
    if pending.deleted or pending.opaque:
        for path in [p for p in files if _hidden(p, pending)]:
            del files[path]
            filesystem.accounts.pop(path, None)
    files.update(pending.records)
    for path in pending.records:
        if path in ACCOUNT_FILES:
            filesystem.accounts.pop(path, None)
    filesystem.accounts.update(pending.accounts)


def _hidden(path: str, pending: _Pending) -> bool:
    """Whether a lower layer's `path` is removed by this layer's whiteouts or opaque directories."""
    if path in pending.deleted:
        return True
    parent = posixpath.dirname(path)
    while True:
        if parent in pending.opaque or parent in pending.deleted:
            return True
        if parent == "/":
            return False
        parent = posixpath.dirname(parent)
