"""The relay's HTTP server on 127.0.0.1: the secret checked, then the request
handed to the :class:`~accord.index.relay._relay.Relay`."""

from __future__ import annotations

import contextlib
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from accord.index.relay._errors import RelayError
from accord.index.relay._guard import hello_proof, same_secret
from accord.index.relay._reply import REFUSED, Reply

if TYPE_CHECKING:
    from accord.index.relay._download import Download
    from accord.index.relay._relay import Relay


class RelayServer(ThreadingHTTPServer):
    # The same port run after run (see ._address): reuse it past TIME_WAIT. On
    # Linux and macOS a second listener still cannot bind it; Windows'
    # SO_REUSEADDR would let one, so not there.
    allow_reuse_address = sys.platform != "win32"
    request_queue_size = 128  # uv opens dozens of connections at once
    daemon_threads = True

    def __init__(self, address: tuple[str, int], relay: Relay) -> None:
        self.relay = relay
        self.closing = False  # set when done: /hello says so, no one joins
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # uv drops connections it no longer needs when it finishes; that is
        # not an error worth a word. Anything else is a bug, in one line (uv
        # reports the request it could not make): never a traceback.
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, ConnectionError):
            from accord.masking import mask_credentials

            said = mask_credentials(f"{type(error).__name__}: {error}")
            with contextlib.suppress(OSError):
                print(
                    f"accord: note: the relay could not answer: {said}; "
                    "this is a bug in accord, please report it",
                    file=sys.stderr,
                )


class _Handler(BaseHTTPRequestHandler):
    server: RelayServer
    protocol_version = "HTTP/1.1"  # keep-alive: uv reuses its connections

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        relay = self.server.relay
        path = urllib.parse.urlsplit(self.path)
        secret, _, rest = path.path.removeprefix("/").partition("/")
        if secret == "hello":
            reply = self._hello(rest)
        elif not same_secret(secret, relay.secret):
            reply = REFUSED  # another local user, or a web page: not for them
        elif rest.startswith("f/"):
            reply = relay.file(f"/{rest}" + (f"?{path.query}" if path.query else ""))
        else:
            index, _, name = rest.partition("/")
            reply = (
                relay.page(int(index), name.strip("/"), keep=False, bodiless=True)
                if index.isdigit() and name.count("/") <= 1
                else REFUSED
            )
        if reply.etag is not None and reply.etag in self._validators():
            # uv's copy is this page: it keeps it, nothing is sent again.
            self.send_response(304)
            self.send_header("ETag", reply.etag)
            self.send_header("Cache-Control", reply.cache_control)
            self.end_headers()
            return
        reply = relay.full(reply)
        self.send_response(reply.status)
        if reply.etag is not None:
            self.send_header("ETag", reply.etag)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Cache-Control", reply.cache_control)
        if reply.stream is not None:
            self._pass_on(reply.stream, send_body)
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body)

    def _pass_on(self, download: Download, send_body: bool) -> None:
        """A file as it downloads: with its Content-Length when the index
        declared one, else chunked (never ended by closing the connection,
        which uv could not tell from a whole file). If the download fails,
        the answer is cut off before its end: uv reports an error."""
        chunked = download.length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(download.length))
        self.end_headers()
        if not send_body:
            return
        try:
            for piece in download.chunks():
                framed = b"%x\r\n%b\r\n" % (len(piece), piece) if chunked else piece
                self.wfile.write(framed)
        except RelayError:
            self.close_connection = True  # cut off: not ended, not reused
            return
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _validators(self) -> list[str]:
        """The ETags of ``If-None-Match`` (weak ones as strong: a page's
        ETag names its bytes either way)."""
        given = self.headers.get("If-None-Match") or ""
        return [tag.strip().removeprefix("W/") for tag in given.split(",")]

    def _hello(self, nonce: str) -> Reply:
        """Proof, to a run that knows the secret, that this is its relay
        for the same indexes (see ._address); the secret itself is neither
        asked for nor given."""
        if self.server.closing:
            return Reply(503, b"closing\n", "text/plain", "no-store")
        if not nonce.isalnum() or not 16 <= len(nonce) <= 64:
            return REFUSED
        relay = self.server.relay
        port = self.server.server_address[1]
        proof = hello_proof(relay.secret, port, relay.upstreams, nonce)
        return Reply(200, f"{proof}\n".encode(), "text/plain", "no-store")

    def log_message(self, format: str, *args: object) -> None:
        pass  # uv reports what matters; the relay stays quiet
