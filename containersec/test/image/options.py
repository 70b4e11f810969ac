"""The `image:` section of the config file, validated with errors that name the key."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from containersec.catalogue import RuleOptions, resolve
from containersec.config import Config

# setuid/setgid binaries that Debian, Ubuntu, Alpine and UBI base images ship and need (su, passwd, mount...).
DEFAULT_SETUID_ALLOW = (
    "/bin/su", "/usr/bin/su", "/bin/mount", "/usr/bin/mount", "/bin/umount", "/usr/bin/umount",
    "/usr/bin/passwd", "/usr/bin/chsh", "/usr/bin/chfn", "/usr/bin/gpasswd", "/usr/bin/newgrp",
    "/usr/bin/chage", "/usr/bin/expiry", "/usr/bin/wall", "/usr/bin/write", "/usr/bin/ssh-agent",
    "/usr/sbin/unix_chkpwd", "/sbin/unix_chkpwd", "/usr/sbin/pam_extrausers_chkpwd", "/bin/ping",
    "/usr/bin/ping", "/bin/bbsuid", "/usr/bin/crontab", "/usr/lib/openssh/ssh-keysign",
    "/usr/libexec/openssh/ssh-keysign", "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
)
DEFAULT_SECRET_SCAN_BYTES = 1024 * 1024
SECTION = "image"
KEYS = ("setuid-allow", "accept-keys", "accept-files", "secret-scan-max-bytes", "exceptions")


@dataclass(frozen=True)
class ImageException:
    rules: frozenset[str]  # rule IDs
    paths: tuple[str, ...]  # globs of paths inside the image; empty: every path
    reason: str
    expires: dt.date | None


@dataclass(frozen=True)
class ImageOptions:
    setuid_allow: tuple[str, ...] = DEFAULT_SETUID_ALLOW
    accept_keys: frozenset[str] = frozenset()  # env and label names that are not secrets
    accept_files: tuple[str, ...] = ()  # image paths (globs) accepted as not secret and not unneeded
    secret_scan_max_bytes: int = DEFAULT_SECRET_SCAN_BYTES
    exceptions: tuple[ImageException, ...] = ()
    rule_options: RuleOptions = field(default_factory=RuleOptions)  # for the build rules run on history

    def setuid_allowed(self, path: str) -> bool:
        return any(fnmatchcase(path, pattern) for pattern in self.setuid_allow)

    def file_accepted(self, path: str) -> bool:
        return any(fnmatchcase(path, pattern) for pattern in self.accept_files)

    def key_accepted(self, name: str) -> bool:
        return name.upper() in self.accept_keys


def image_options(config: Config) -> ImageOptions:
    """The section's values over the defaults; a ConfigError names the bad key."""
    section = config.section(SECTION)
    for key in section:
        if key not in KEYS:
            raise config.section_error(f"{SECTION}.{key}", f"unknown key (expected one of: {', '.join(KEYS)})")
    size = section.get("secret-scan-max-bytes", DEFAULT_SECRET_SCAN_BYTES)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise config.section_error(f"{SECTION}.secret-scan-max-bytes", f"expected a byte count, got {size!r}")
    return ImageOptions(
        setuid_allow=DEFAULT_SETUID_ALLOW + tuple(_paths(config, "setuid-allow")),
        accept_keys=frozenset(name.upper() for name in _strings(config, "accept-keys")),
        accept_files=tuple(_paths(config, "accept-files")),
        secret_scan_max_bytes=size,
        exceptions=tuple(_exceptions(config)),
        rule_options=config.options,
    )


def _strings(config: Config, key: str) -> list[str]:
    value = config.section(SECTION).get(key, [])
    if not isinstance(value, list):
        raise config.section_error(f"{SECTION}.{key}", "expected a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise config.section_error(f"{SECTION}.{key}[{index}]", f"expected a non-empty string, got {item!r}")
    return [item.strip() for item in value]


def _paths(config: Config, key: str) -> list[str]:
    paths = _strings(config, key)
    for index, path in enumerate(paths):
        if not path.startswith("/"):
            raise config.section_error(f"{SECTION}.{key}[{index}]", f"expected an absolute path in the image, "
                                       f"got {path!r}")
    return paths


def _exceptions(config: Config) -> list[ImageException]:
    value = config.section(SECTION).get("exceptions", [])
    if not isinstance(value, list):
        raise config.section_error(f"{SECTION}.exceptions", "expected a list of {rule, path, reason, expires}")
    found = []
    for index, item in enumerate(value):
        key = f"{SECTION}.exceptions[{index}]"
        if not isinstance(item, dict):
            raise config.section_error(key, "expected a mapping with rule, reason and optional path, expires")
        unknown = set(item) - {"rule", "path", "reason", "expires"}
        if unknown:
            raise config.section_error(f"{key}.{sorted(unknown)[0]}", "unknown key (expected rule, path, reason, "
                                       "expires)")
        name = item.get("rule")
        rules = [r.id for r in resolve(name)] if isinstance(name, str) else []
        if not rules:
            raise config.section_error(f"{key}.rule", f"unknown rule {name!r}")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise config.section_error(f"{key}.reason", "required: say why the exception is safe")
        paths = item.get("path", [])
        paths = [paths] if isinstance(paths, str) else paths
        if not isinstance(paths, list) or not all(isinstance(p, str) and p.startswith("/") for p in paths):
            raise config.section_error(f"{key}.path", "expected an absolute image path (glob) or a list of them")
        expires = _date(config, item, f"{key}.expires")
        found.append(ImageException(frozenset(rules), tuple(paths), reason.strip(), expires))
    return found


def _date(config: Config, item: dict[str, Any], key: str) -> dt.date | None:
    value = item.get("expires")
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise config.section_error(key, f"expected a date YYYY-MM-DD, got {value!r}") from None
