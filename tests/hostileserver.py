"""A raw HTTP server on 127.0.0.1 that answers as a test scripts it: slowly,
endlessly, compressed, or not at all. No network.

``serve(answer)`` runs ``answer(path, headers)`` for each request; it yields
the raw bytes to send (status line and headers included) or a float, which
is a pause in seconds.
"""

from __future__ import annotations

import contextlib
import io
import socketserver
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator

Answer = Callable[[str, dict[str, str]], Iterable[bytes | float]]


def head(status: int = 200, body_length: int | None = None, **headers: str) -> bytes:
    """A status line and headers; ``Content-Length`` if ``body_length``."""
    lines = [f"HTTP/1.1 {status} X"]
    if body_length is not None:
        lines.append(f"Content-Length: {body_length}")
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class HostileServer:
    __test__ = False

    def __init__(self, answer: Answer) -> None:
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request = self.rfile.readline().decode("latin-1").split()
                headers = {}
                while line := self.rfile.readline().decode("latin-1").strip():
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                server.paths.append(request[1] if len(request) > 1 else "")
                server.headers.append(headers)
                with contextlib.suppress(OSError):
                    for part in answer(server.paths[-1], headers):
                        if isinstance(part, float):
                            time.sleep(part)
                        else:
                            self.wfile.write(part)
                            self.wfile.flush()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def serve(answer: Answer) -> Iterator[HostileServer]:
    server = HostileServer(answer)
    try:
        yield server
    finally:
        server.close()


def zip_bomb(stem: str, inflated: int) -> bytes:
    """A wheel whose METADATA inflates to ``inflated`` bytes (of spaces)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(f"{stem}.dist-info/METADATA", "w") as member,
    ):
        member.write(b"Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\n\n")
        for _ in range(inflated // (1 << 20)):
            member.write(b" " * (1 << 20))
    return buffer.getvalue()
