"""The image as the checks see it: its config (user, env, history...) and, when read, its filesystem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from containersec.test.image.history import HistoryDockerfile, HistoryEntry


@dataclass(frozen=True)
class ImageConfig:
    """The parts of an OCI image config (the config blob) the checks read; missing parts are empty."""

    user: str
    env: tuple[tuple[str, str], ...]
    labels: Mapping[str, str]
    exposed_ports: tuple[str, ...]
    volumes: tuple[str, ...]
    healthcheck: tuple[str, ...] | None  # Healthcheck.Test; None when the config has none
    history: tuple[HistoryEntry, ...]
    diff_ids: tuple[str, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImageConfig:
        """Read a config blob; wrong types are treated as absent (a registry may serve anything)."""
        inner = _mapping(data.get("config"))
        env = []
        for item in _list(inner.get("Env")):
            if isinstance(item, str):
                name, _, value = item.partition("=")
                env.append((name, value))
        labels = {str(k): str(v) for k, v in _mapping(inner.get("Labels")).items()}
        health = _mapping(inner.get("Healthcheck"))
        test = health.get("Test") if health else None
        healthcheck = tuple(str(word) for word in test) if isinstance(test, list) else None
        diff_ids = tuple(str(d) for d in _list(_mapping(data.get("rootfs")).get("diff_ids")))
        history = []
        layer = 0
        for index, item in enumerate(_list(data.get("history"))):
            entry = _mapping(item)
            empty = entry.get("empty_layer") is True
            history.append(HistoryEntry(index, str(entry.get("created_by") or ""), empty,
                                        None if empty or layer >= len(diff_ids) else layer))
            layer += 0 if empty else 1
        user = inner.get("User")
        return cls(
            user=user.strip() if isinstance(user, str) else "",
            env=tuple(env),
            labels=labels,
            exposed_ports=tuple(str(p) for p in _mapping(inner.get("ExposedPorts"))),
            volumes=tuple(str(v) for v in _mapping(inner.get("Volumes"))),
            healthcheck=healthcheck,
            history=tuple(history),
            diff_ids=diff_ids,
        )

    def entry_of_layer(self, layer: int) -> HistoryEntry | None:
        """The history entry that made layer `layer` (history can be shorter than the layer list)."""
        return next((entry for entry in self.history if entry.layer == layer), None)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class FileRecord:
    """One path of a layer: what the tar header says (contents are never kept, except small account files)."""

    path: str  # absolute, normalised: /etc/passwd
    kind: str  # file, dir, symlink, hardlink, other
    mode: int
    uid: int
    gid: int
    size: int
    link: str
    layer: int


CREDENTIAL_FILE = "credential-file"
TOKEN = "token"


@dataclass(frozen=True)
class Sighting:
    """Something found in a file's content as its layer streamed past (a key, a token, a credential file)."""

    path: str
    layer: int
    category: str  # CREDENTIAL_FILE or TOKEN: which rule reports it
    kind: str  # what it is, for messages ("private key", "AWS credentials with a secret key")
    masked: str = ""  # a printable, masked form of the secret, when there is one
    kind_id: str = ""  # the credential kind found (a secret catalogue ID), when there is one


@dataclass(frozen=True)
class UnsafeEntry:
    """A tar member no well-behaved builder writes: an absolute or climbing path, a link out of the root."""

    name: str  # as written in the tar (untrusted); the first of `count` members with this problem
    layer: int
    problem: str
    count: int = 1


@dataclass
class Filesystem:
    """The merged tree after every layer's whiteouts, plus what each layer held on its own."""

    files: dict[str, FileRecord] = field(default_factory=dict)
    # Contents of the account files (/etc/passwd, ...) as the merged tree has them.
    accounts: dict[str, bytes] = field(default_factory=dict)
    sightings: list[Sighting] = field(default_factory=list)
    unsafe: list[UnsafeEntry] = field(default_factory=list)

    def still_present(self, path: str, layer: int) -> bool:
        """Whether the merged tree still has the file that `layer` wrote at `path`."""
        record = self.files.get(path)
        return record is not None and record.layer == layer


@dataclass(frozen=True)
class Image:
    """What the rules check: the config always, the filesystem when the layers were read."""

    config: ImageConfig
    filesystem: Filesystem | None = None

    @cached_property
    def history(self) -> HistoryDockerfile:
        return HistoryDockerfile(self.config.history)


@dataclass(frozen=True)
class ImageHit:
    """What an image check reports; the engine adds the rule's metadata, the location and the layer facts."""

    message: str
    path: str | None = None  # inside the image
    layer: int | None = None
    history: int | None = None  # the history entry the finding comes from, when not a layer's file
    keyword: str | None = None  # the Dockerfile instruction that sets what is reported (USER, EXPOSE...)
    secret: bool = False
    secret_kind: str | None = None  # the credential kind found (a secret catalogue ID)
