"""Keep-alive HTTP(S) connections, one per host per thread.

urllib opens (and TLS-handshakes) a new connection for every request and
asks the server to close it; a review makes hundreds of requests to the
same two hosts. This reuses each thread's connection to a host, follows
redirects itself (dropping credentials on a move to another host), and
reports what it got; retries and caching stay with the fetcher.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import urllib.parse
from dataclasses import dataclass
from email.message import Message

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 10
_STALE = (
    http.client.RemoteDisconnected,
    http.client.CannotSendRequest,
    http.client.ResponseNotReady,
    ConnectionResetError,
    BrokenPipeError,
)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    reason: str
    headers: Message
    body: bytes
    url: str  # after redirects


class Pool:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._context = ssl.create_default_context()

    def _connections(self) -> dict[tuple[str, str], http.client.HTTPConnection]:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = {}
            self._local.connections = connections
        return connections

    def get(self, url: str, headers: dict[str, str]) -> Reply:
        headers = dict(headers)
        origin = urllib.parse.urlsplit(url).netloc
        for _ in range(_MAX_REDIRECTS):
            reply = self._once(url, headers)
            location = reply.headers.get("Location")
            if reply.status not in _REDIRECTS or not location:
                return reply
            url = urllib.parse.urljoin(url, location)
            if urllib.parse.urlsplit(url).netloc != origin:
                headers.pop("Authorization", None)  # never follow with secrets
        raise http.client.HTTPException(f"more than {_MAX_REDIRECTS} redirects")

    def _once(self, url: str, headers: dict[str, str]) -> Reply:
        parts = urllib.parse.urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        key = (parts.scheme, parts.netloc)
        connections = self._connections()
        for attempt in range(2):
            connection = connections.get(key)
            reused = connection is not None
            if connection is None:
                connection = self._connect(parts)
                connections[key] = connection
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except _STALE:
                connection.close()
                connections.pop(key, None)
                if reused and attempt == 0:
                    continue  # the server closed an idle connection: reconnect
                raise
            except BaseException:
                connection.close()
                connections.pop(key, None)
                raise
            if response.will_close:
                connection.close()
                connections.pop(key, None)
            return Reply(response.status, response.reason, response.msg, body, url)
        raise http.client.HTTPException("connection kept failing")  # pragma: no cover

    def _connect(self, parts: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        host = parts.hostname or ""
        if parts.scheme == "https":
            return http.client.HTTPSConnection(
                host, parts.port, timeout=self.timeout, context=self._context
            )
        return http.client.HTTPConnection(host, parts.port, timeout=self.timeout)
