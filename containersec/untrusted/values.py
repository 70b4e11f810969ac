"""Typed views of parsed outside data: a value of the wrong JSON type reads as empty, never as a TypeError."""

from __future__ import annotations

from typing import Any


def as_list(value: Any) -> list[Any]:
    """An array where one is expected; anything else (`"manifests": 5`) reads as an empty one."""
    return value if isinstance(value, list) else []


def as_map(value: Any) -> dict[str, Any]:
    """An object where one is expected; anything else (`"platform": "linux/amd64"`) reads as an empty one."""
    return value if isinstance(value, dict) else {}
