"""Version order per ecosystem (univers), to name the upgrade that fixes a package's vulnerabilities."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

_SCHEMES = {
    "DebianVersion": ("deb", "debian", "ubuntu", "distroless"),
    "AlpineLinuxVersion": ("apk", "alpine", "wolfi", "chainguard"),
    "RpmVersion": ("rpm", "redhat", "centos", "rocky", "alma", "amazon", "oracle", "photon", "suse", "cbl-mariner"),
    "PypiVersion": ("pypi", "python", "pip", "pipenv", "poetry", "python-pkg"),
    "MavenVersion": ("maven", "jar", "pom", "java-archive", "gradle"),
    "GolangVersion": ("golang", "gomod", "gobinary", "go-module"),
    "RubygemsVersion": ("gem", "gemspec", "bundler"),
    "SemverVersion": ("npm", "node-pkg", "yarn", "pnpm", "cargo", "composer", "nuget"),
}
_KINDS = {kind: scheme for scheme, kinds in _SCHEMES.items() for kind in kinds}
_PIECES = re.compile(r"\d+|[A-Za-z]+")


def upgrade(kind: str, installed: str, fixed: list[str]) -> str | None:
    """The version to move to: the highest of each vulnerability's lowest fixed version above `installed`."""
    key = _key_function(kind.lower())
    chosen = None
    for text in fixed:
        candidates = [v.strip() for v in text.split(",") if v.strip() and v.strip()[0] not in "<>=!~^"]
        above = [v for v in candidates if _compare(key, v, installed) > 0] or candidates
        lowest = min(above, key=lambda v: _sort_key(key, v), default=None)
        if lowest is not None and (chosen is None or _compare(key, lowest, chosen) > 0):
            chosen = lowest
    return chosen


def _compare(key: Callable[[str], Any], a: str, b: str) -> int:
    ka, kb = _sort_key(key, a), _sort_key(key, b)
    return (ka > kb) - (ka < kb)


def _sort_key(key: Callable[[str], Any], version: str) -> tuple[int, Any]:
    try:
        return (1, key(version))
    except Exception:  # univers raises several types for versions outside its scheme
        return (0, _natural(version))


def _natural(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _PIECES.findall(version))


@cache
def _key_function(kind: str) -> Callable[[str], Any]:
    scheme = _KINDS.get(kind)
    if scheme is None:
        return _natural
    from univers import versions

    return getattr(versions, scheme)
