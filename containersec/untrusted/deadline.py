"""A bound on the total time spent waiting for parties we do not control (registries, GitHub).

Per-request timeouts bound one read, not a run: a registry that drips a byte every 5 s, or a `429` with a
long `Retry-After`, held runs for minutes. One Deadline is shared by every request of a client; each request
gets at most the time that is left, and no retry waits past it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


class DeadlineExceeded(Exception):
    """The time allowed for the run's traffic is spent; the message says what was waiting."""


@dataclass
class Deadline:
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _end: float = field(init=False)

    def __post_init__(self) -> None:
        self._end = self.clock() + self.seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self.clock())

    def timeout(self, per_call: float, what: str) -> float:
        """The timeout for one call: `per_call`, or less when the deadline is nearer; raises when it has passed."""
        left = self.remaining()
        if left <= 0:
            raise DeadlineExceeded(f"{what}: {self.spent()}")
        return min(per_call, left)

    def allows_wait(self, seconds: float) -> bool:
        return seconds < self.remaining()

    def spent(self) -> str:
        return f"the {self.seconds:.0f} s allowed for the run's network traffic are spent"
