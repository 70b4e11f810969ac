"""The `registry:` config section, validated with errors that name the file and the key."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from containersec.config import Config
from containersec.release.registry.client import ClientOptions, RegistryPool
from containersec.release.registry.credentials import Credential, find_credential
from containersec.untrusted import DocumentError
from containersec.untrusted.patterns import LinearPattern, regex

# Semantic versions, with an optional `v` and an optional pre-release/build part.
DEFAULT_RELEASE_TAGS = r"v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?"
DEFAULT_PATCH_WINDOW_DAYS = 90
DEFAULT_REQUIRED_LABELS = {
    "org.opencontainers.image.source": "url",
    "org.opencontainers.image.revision": "hash",
    "org.opencontainers.image.created": "rfc3339",
    "org.opencontainers.image.version": "text",
    "org.opencontainers.image.licenses": "spdx",
}
KEYS = ("release-tags", "patch-window-days", "required-labels", "cosign-public-key", "insecure-hosts",
        "ca-bundle", "timeout", "retries", "deadline")


@dataclass(frozen=True)
class RegistrySettings:
    release_tags: LinearPattern
    patch_window_days: int
    required_labels: Mapping[str, str]  # label -> type (text, url, hash, rfc3339, spdx, semver, email)
    cosign_public_key: Path | None
    client: ClientOptions

    def pool(self, named_hosts: Collection[str], environ: Mapping[str, str] | None = None) -> RegistryPool:
        environ = os.environ if environ is None else environ

        def lookup(host: str) -> Credential | None:
            return find_credential(host, environ, named_hosts)

        return RegistryPool(self.client, lookup)


def registry_settings(config: Config) -> RegistrySettings:
    section: dict[str, Any] = config.section("registry")
    for key in section:
        if key not in KEYS:
            raise config.section_error(f"registry.{key}", f"unknown key (expected one of: {', '.join(KEYS)})")
    pattern = section.get("release-tags", DEFAULT_RELEASE_TAGS)
    if not isinstance(pattern, str):
        raise config.section_error("registry.release-tags", "expected a regular expression string")
    try:
        release_tags = regex(pattern)
    except DocumentError as exc:
        raise config.section_error("registry.release-tags", str(exc)) from None
    window = section.get("patch-window-days", DEFAULT_PATCH_WINDOW_DAYS)
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise config.section_error("registry.patch-window-days", f"expected a whole number of days >= 1, got "
                                   f"{window!r}")
    labels = dict(DEFAULT_REQUIRED_LABELS)
    extra = section.get("required-labels", [])
    if not isinstance(extra, list) or not all(isinstance(item, str) and item for item in extra):
        raise config.section_error("registry.required-labels", "expected a list of label names")
    labels.update({name: "text" for name in extra if name not in labels})
    insecure = section.get("insecure-hosts", [])
    if not isinstance(insecure, list) or not all(isinstance(item, str) and item for item in insecure):
        raise config.section_error("registry.insecure-hosts", "expected a list of host[:port] names")
    timeout = section.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise config.section_error("registry.timeout", f"expected a number of seconds > 0, got {timeout!r}")
    deadline = section.get("deadline", ClientOptions.deadline)
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or deadline <= 0:
        raise config.section_error("registry.deadline", f"expected a number of seconds > 0, got {deadline!r}")
    retries = section.get("retries", 4)
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
        raise config.section_error("registry.retries", f"expected a whole number from 0 to 10, got {retries!r}")
    return RegistrySettings(
        release_tags=release_tags,
        patch_window_days=window,
        required_labels=labels,
        cosign_public_key=_file(config, section, "cosign-public-key"),
        client=ClientOptions(ca_bundle=str(ca) if (ca := _file(config, section, "ca-bundle")) else None,
                             insecure_hosts=tuple(host.lower() for host in insecure), timeout=float(timeout),
                             retries=retries, deadline=float(deadline)),
    )


def _file(config: Config, section: Mapping[str, Any], key: str) -> Path | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise config.section_error(f"registry.{key}", "expected a file path")
    path = config.directory / value
    if not path.is_file():
        raise config.section_error(f"registry.{key}", f"no such file: {value}")
    return path
