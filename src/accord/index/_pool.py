"""Keep-alive HTTP(S) connections, one per host per thread.

urllib opens (and TLS-handshakes) a new connection for every request and
asks the server to close it; a review makes hundreds of requests to the
same two hosts. This reuses each thread's connection to a host, follows
redirects itself (dropping credentials on a move to another origin), and
reports what it got; retries and caching stay with the fetcher.

Each request has a deadline for its whole answer: a socket timeout bounds
one read, and a watchdog shuts the socket when the deadline passes, so a
server trickling its headers or body a byte at a time is cut off too.
"""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable
from email.message import Message
from typing import NamedTuple

from accord.index._dns import create_connection
from accord.index._errors import RedirectRefused, origin, redact
from accord.index._limits import Budget, read_body
from accord.index._stream import Opened
from accord.index._urls import ascii_url, unfetchable

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 10
_STALE = (
    http.client.RemoteDisconnected,
    http.client.CannotSendRequest,
    http.client.ResponseNotReady,
    ConnectionResetError,
    BrokenPipeError,
)


class Reply(NamedTuple):
    status: int
    reason: str
    headers: Message
    body: bytes
    url: str  # after redirects
    # A 2xx answer asked for as a stream: its body, still to read (then
    # ``body`` is empty).
    opened: Opened | None = None


class Pool:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._context_lock = threading.Lock()
        self._ssl: ssl.SSLContext | None = None

    @property
    def _context(self) -> ssl.SSLContext:
        """Made on the first https connection: loading the trust store
        takes longer than a run that answers from the cache."""
        with self._context_lock:
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            return self._ssl

    def _connections(self) -> dict[tuple[str, str], http.client.HTTPConnection]:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = {}
            self._local.connections = connections
        return connections

    def get(
        self,
        url: str,
        headers: dict[str, str],
        budget: Budget,
        data: bytes | None = None,
        *,
        stream: bool = False,
    ) -> Reply:
        """GET ``url``, or POST ``data`` to it when given (a 301, 302 or 303
        turns a POST into a GET, as browsers and urllib do). ``stream``: a
        2xx answer's body is left to read (``Reply.opened``), the deadline
        still watched until it is closed."""
        headers = dict(headers)
        first = None
        for _ in range(_MAX_REDIRECTS):
            reply = self._once(url, headers, budget, data, stream)
            if reply.status not in _REDIRECTS:
                return reply
            location = reply.headers.get("Location")
            if not location:
                return reply
            first = first or origin(url)
            if reply.status not in {307, 308}:
                data = None
                headers.pop("Content-Type", None)
            url = urllib.parse.urljoin(url, location)
            why = unfetchable(url)
            if why is not None:
                raise RedirectRefused(f" redirects to {redact(url)}: {why}")
            url = ascii_url(url)
            if origin(url) != first:
                headers.pop("Authorization", None)  # never follow with secrets
        raise RedirectRefused(f": more than {_MAX_REDIRECTS} redirects")

    def _once(
        self,
        url: str,
        headers: dict[str, str],
        budget: Budget,
        data: bytes | None = None,
        stream: bool = False,
    ) -> Reply:
        parts = urllib.parse.urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        key = (parts.scheme, parts.netloc)
        connections = self._connections()
        for attempt in range(2):
            remaining = budget.deadline - time.monotonic()
            if remaining <= 0:
                raise budget.exceeded(url)
            connection = connections.get(key)
            reused = connection is not None
            if connection is None:
                connection = self._connect(parts)
                connections[key] = connection
            watch = None
            handed = False  # a stream's connection and watch: the Opened's
            try:
                watch = self._watched(connection, remaining, budget)
                response, body = _exchange(
                    connection, path, headers, url, budget, data, stream
                )
                if body is None:  # streamed: the body is the caller's to read
                    opened = Opened(response, url, budget, _closer(connection, watch))
                    connections.pop(key, None)
                    handed = True
                    status, reason = response.status, response.reason
                    return Reply(status, reason, response.msg, b"", url, opened)
            except _STALE as error:
                connection.close()
                connections.pop(key, None)
                if _late(watch, budget):
                    raise budget.exceeded(url) from error
                if reused and attempt == 0:
                    continue  # the server closed an idle connection: reconnect
                raise
            except BaseException as error:
                connection.close()
                connections.pop(key, None)
                if _late(watch, budget):
                    raise budget.exceeded(url) from error
                raise
            finally:
                if watch is not None and not handed:
                    watch.cancel()
            if response.will_close:
                connection.close()
                connections.pop(key, None)
            return Reply(response.status, response.reason, response.msg, body, url)
        raise http.client.HTTPException("connection kept failing")  # pragma: no cover

    def _watched(
        self, connection: http.client.HTTPConnection, remaining: float, budget: Budget
    ) -> _Watch:
        """``connection`` connected, under the watchdog until the deadline."""
        # The deadline is the watchdog's: a timeout stays per read.
        connection.timeout = min(self.timeout, remaining + 1)
        if connection.sock is None:
            connection.connect()
        assert connection.sock is not None
        connection.sock.settimeout(self.timeout)
        return _WATCHDOG.watch(connection.sock, budget.deadline)

    def _connect(self, parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, parts.port, timeout=self.timeout, context=self._context
            )
        else:
            connection = http.client.HTTPConnection(
                host, parts.port, timeout=self.timeout
            )
        # Each host looked up once for all threads (see accord.index._dns).
        vars(connection)["_create_connection"] = create_connection
        return connection


def _exchange(
    connection: http.client.HTTPConnection,
    path: str,
    headers: dict[str, str],
    url: str,
    budget: Budget,
    data: bytes | None = None,
    stream: bool = False,
) -> tuple[http.client.HTTPResponse, bytes | None]:
    """The answer and its body; None for the body of a 2xx asked for as a
    ``stream`` (still to read)."""
    method = "GET" if data is None else "POST"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    if stream and 200 <= response.status < 300:
        return response, None
    body = read_body(response, url, budget)
    if response.length:  # the connection ended early
        raise http.client.IncompleteRead(body, response.length)
    response.close()  # read to the end: the connection is free
    return response, body


def _closer(
    connection: http.client.HTTPConnection, watch: _Watch
) -> Callable[[], None]:
    """What closes a streamed answer: its watch ended, its connection shut
    (never reused: whether its body was read to the end is the reader's)."""

    def close() -> None:
        watch.cancel()
        connection.close()

    return close


def _late(watch: _Watch | None, budget: Budget) -> bool:
    """Whether a failure came of the deadline (a connect may time out at it)."""
    fired = watch is not None and watch.fired
    return fired or time.monotonic() >= budget.deadline


class _Watch:
    def __init__(self, sock: socket.socket) -> None:
        self.sock: socket.socket | None = sock
        self.fired = False

    def cancel(self) -> None:
        self.sock = None


class _Watchdog:
    """One thread that shuts the sockets whose deadline has passed."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> _Watch:
        watch = _Watch(sock)
        with self._wake:
            heapq.heappush(self._heap, (deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="accord-deadlines", daemon=True
                )
                self._thread.start()
            # The thread sleeps until the earliest deadline: woken only when
            # this one is earlier (requests in a row each wake it otherwise,
            # a thread switch per request for nothing).
            if self._heap[0][2] is watch:
                self._wake.notify()
        return watch

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._heap and self._heap[0][2].sock is None:
                    heapq.heappop(self._heap)  # answered in time
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, _, watch = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
                sock, watch.sock = watch.sock, None
                if sock is not None:
                    watch.fired = True
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


_WATCHDOG = _Watchdog()
