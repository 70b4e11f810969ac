"""Which image checks read the layers: the others need only the config blob (the registry audit has no layers)."""

from collections.abc import Callable
from typing import TypeVar

Check = TypeVar("Check", bound=Callable[..., object])
LAYER_CHECKS: set[Callable[..., object]] = set()


def reads_layers(check: Check) -> Check:
    LAYER_CHECKS.add(check)
    return check
