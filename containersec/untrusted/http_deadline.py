"""A requests session whose answers must bring their status line and headers before a Deadline.

urllib3's read timeout bounds one read of the socket: a server that sends the status line and then one
header byte a second is never timed out, and http.client reads headers line by line with no bound of its
own. A watchdog hangs up the connection when the deadline passes while the headers are still arriving;
the body is the caller's to bound (it is read in pieces, with the deadline looked at between them).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from containersec.untrusted.deadline import Deadline

_DEADLINE: ContextVar[Deadline | None] = ContextVar("headers_deadline", default=None)


class _HeadersByDeadline(HTTPConnection):
    def getresponse(self) -> Any:  # type: ignore[override]
        deadline, sock = _DEADLINE.get(), self.sock
        if deadline is None or sock is None:
            return super().getresponse()
        hung_up = threading.Event()

        def hang_up() -> None:
            hung_up.set()
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        watchdog = threading.Timer(deadline.remaining(), hang_up)
        watchdog.daemon = True
        watchdog.start()
        try:
            response = super().getresponse()
        except Exception:
            if hung_up.is_set():
                raise TimeoutError(f"the headers were still arriving: {deadline.spent()}") from None
            raise
        finally:
            watchdog.cancel()
        if hung_up.is_set():  # the headers read so far ended at the hang-up: never an answer
            response.close()
            raise TimeoutError(f"the headers were still arriving: {deadline.spent()}")
        return response


class _HTTPConnection(_HeadersByDeadline):
    pass


class _HTTPSConnection(_HeadersByDeadline, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class HeadersByDeadlineAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def bounded_session() -> requests.Session:
    """A session whose requests, made inside `headers_by(deadline)`, get their headers by the deadline."""
    session = requests.Session()
    session.mount("http://", HeadersByDeadlineAdapter())
    session.mount("https://", HeadersByDeadlineAdapter())
    return session


@contextlib.contextmanager
def headers_by(deadline: Deadline | None) -> Iterator[None]:
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)
