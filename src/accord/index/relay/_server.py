"""The relay's HTTP server on 127.0.0.1: the secret checked, then the request
handed to the :class:`~accord.index.relay._relay.Relay`."""

from __future__ import annotations

import hashlib
import sys
import urllib.parse
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from accord.index.relay._guard import same_secret

if TYPE_CHECKING:
    from accord.index.relay._relay import Relay

_PORT_RANGE = (30000, 60000)


def bind(relay: Relay, upstreams: Sequence[str]) -> RelayServer:
    """A server on a port chosen from the upstreams, so uv's cache (keyed by
    index URL) stays useful from run to run; any free port if those are taken.
    """
    digest = hashlib.sha256("\n".join(upstreams).encode()).digest()
    low, high = _PORT_RANGE
    ports = [
        low + int.from_bytes(digest[i : i + 4], "big") % (high - low) for i in (0, 4, 8)
    ]
    for port in [*ports, 0]:
        try:
            return RelayServer(("127.0.0.1", port), relay)
        except OSError:
            if port == 0:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


class RelayServer(ThreadingHTTPServer):
    # The same port run after run (see bind): reuse it past TIME_WAIT. On
    # Linux and macOS a second listener still cannot bind it; Windows'
    # SO_REUSEADDR would let one, so not there.
    allow_reuse_address = sys.platform != "win32"
    request_queue_size = 128  # uv opens dozens of connections at once
    daemon_threads = True

    def __init__(self, address: tuple[str, int], relay: Relay) -> None:
        self.relay = relay
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # uv drops connections it no longer needs when it finishes; that is
        # not an error worth a traceback on the user's terminal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: RelayServer
    protocol_version = "HTTP/1.1"  # keep-alive: uv reuses its connections

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        from accord.index.relay._relay import REFUSED

        relay = self.server.relay
        path = urllib.parse.urlsplit(self.path)
        secret, _, rest = path.path.removeprefix("/").partition("/")
        if not same_secret(secret, relay.secret):
            reply = REFUSED  # another local user, or a web page: not for them
        elif rest.startswith("f/"):
            reply = relay.file(f"/{rest}" + (f"?{path.query}" if path.query else ""))
        else:
            index, _, name = rest.partition("/")
            reply = (
                relay.page(int(index), name.strip("/"), keep=False)
                if index.isdigit() and name.count("/") <= 1
                else REFUSED
            )
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", reply.cache_control)
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # uv reports what matters; the relay stays quiet
