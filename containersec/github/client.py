"""The PyGithub client and the retry policy for writes.

GETs are retried by PyGithub's GithubRetry (5xx, rate limits). POST and PATCH are not: a create or an
annotation batch whose response was lost may have taken effect, so `call_with_retries` first asks GitHub
whether it did (`recover`) before sending it again.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from containersec.report.workflow_commands import escape_data
from containersec.untrusted.deadline import Deadline, DeadlineExceeded

if TYPE_CHECKING:
    from github import Github

T = TypeVar("T")

ATTEMPTS = 4
MAX_WAIT = 120.0  # seconds; a longer rate-limit reset gives up rather than hold the job
DEADLINE = 300.0  # seconds for all of one run's GitHub traffic (CONTAINERSEC_GITHUB_DEADLINE)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def connect(api_url: str, token: str, environ: Mapping[str, str]) -> Github:
    from github import Auth, Github

    write_delay = float(environ.get("CONTAINERSEC_GITHUB_WRITE_DELAY", "1.0"))
    deadline = Deadline(float(environ.get("CONTAINERSEC_GITHUB_DEADLINE", DEADLINE)))
    # One immediate retry for a failed connection: a refused or unresolvable address does not heal in
    # seconds, and backing off five times per request held the job for over a minute before the fallback.
    retry = _retry_class()(total=5, connect=1, backoff_factor=1.0, allowed_methods=IDEMPOTENT_METHODS,
                           max_rate_limit_wait=MAX_WAIT, deadline=deadline)
    return Github(base_url=api_url, auth=Auth.Token(token), retry=retry, timeout=30, per_page=100,
                  seconds_between_writes=write_delay, lazy=True)


@functools.cache
def _retry_class() -> type:
    """PyGithub's retry policy, with no wait past the deadline or longer than MAX_WAIT.

    urllib3 sleeps for a `429`'s whole `Retry-After`, however long: an hour's wait held the Action with no
    summary written. Such a wait now fails the request at once, and the Action falls back to the log.
    """
    from github import GithubRetry

    class DeadlineRetry(GithubRetry):
        def __init__(self, *, deadline: Deadline | None = None, **options: Any) -> None:
            super().__init__(**options)
            self.deadline = deadline if deadline is not None else Deadline(DEADLINE)

        def new(self, **options: Any) -> DeadlineRetry:
            return super().new(deadline=self.deadline, **options)

        def sleep(self, response: Any = None) -> None:
            wait = self.get_retry_after(response) if response is not None else None
            wait = self.get_backoff_time() if wait is None else wait
            if wait > MAX_WAIT or not self.deadline.allows_wait(wait):
                left = self.deadline.remaining()
                raise DeadlineExceeded(f"GitHub asks to wait {wait:.0f} s before trying again: longer than "
                                       f"{MAX_WAIT:.0f} s or past the deadline ({left:.0f} s left)")
            super().sleep(response)

    return DeadlineRetry


def status_of(exc: BaseException) -> int | None:
    from github import GithubException

    return exc.status if isinstance(exc, GithubException) else None


def is_denied(exc: BaseException) -> bool:
    """403/404 that no retry fixes: a fork's read-only token, missing `permissions:`, checks on GHES off."""
    from github import RateLimitExceededException

    return status_of(exc) in (403, 404) and not isinstance(exc, RateLimitExceededException) \
        and not _header(exc, "retry-after")


def _header(exc: BaseException, name: str) -> str | None:
    headers = getattr(exc, "headers", None) or {}
    return next((str(value) for key, value in headers.items() if key.lower() == name), None)


def transient_wait(exc: BaseException, attempt: int) -> float | None:
    """Seconds to wait before trying again, or None when the failure is not transient."""
    import requests
    from github import RateLimitExceededException

    backoff = float(2 ** attempt)
    if isinstance(exc, requests.ConnectionError) and unreachable(exc):
        return None
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return backoff
    status = status_of(exc)
    if status is None:
        return None
    retry_after = _header(exc, "retry-after")
    rate_limited = status == 429 or isinstance(exc, RateLimitExceededException) or (
        status == 403 and retry_after is not None)
    if rate_limited:
        reset = _header(exc, "x-ratelimit-reset") or ""
        if retry_after and retry_after.isdigit():
            wait = float(retry_after)
        elif _header(exc, "x-ratelimit-remaining") == "0" and reset.isdigit():
            wait = float(reset) - time.time() + 1
        else:
            wait = 60.0  # GitHub's advice for a secondary rate limit without headers
        return max(wait, 0.0) if wait <= MAX_WAIT else None
    return backoff if status >= 500 else None


def unreachable(exc: BaseException) -> bool:
    """Whether no connection could be made at all (refused, no route, unknown host): not worth retrying."""
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    for item in (exc, *exc.args):
        reason = item.reason if isinstance(item, MaxRetryError) else item
        if isinstance(reason, NewConnectionError):
            return True
    return False


def describe(exc: BaseException) -> str:
    status = status_of(exc)
    message = getattr(exc, "data", None)
    if isinstance(message, Mapping):
        message = message.get("message")
    return f"HTTP {status}: {message}" if status else f"{type(exc).__name__}: {exc}"


def log(message: str) -> None:
    """A plain log line; escaped so that text from GitHub or the repository cannot start a command."""
    print(escape_data(f"containersec: {message}"), file=sys.stderr, flush=True)


def call_with_retries(what: str, send: Callable[[], T], *, recover: Callable[[], T | None] | None = None,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    attempt = 0
    while True:
        try:
            return send()
        except Exception as exc:
            wait = transient_wait(exc, attempt)
            attempt += 1
            if wait is None or attempt == ATTEMPTS:
                raise
            log(f"{what}: {describe(exc)}; trying again in {wait:.0f} s")
            sleep(wait)
            done = recover() if recover else None
            if done is not None:
                log(f"{what}: the earlier request had taken effect; not sending it again")
                return done
