"""An OSV-compatible API on 127.0.0.1 for tests: no network, real HTTP.

Serves the two endpoints accord uses: ``POST /v1/querybatch`` (ids per
package and version) and ``GET /v1/vulns/ID`` (the OSV document, with an
ETag, answering ``If-None-Match`` with 304). ``add()`` plants an advisory
with the versions it affects; ``page_size`` splits a query's ids into pages
(``next_page_token``); ``down`` answers 503 to everything; ``garbage``
answers querybatch with something that is not JSON. Every request is
recorded in ``log`` (method, path, lower-cased headers, status).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from packaging.utils import canonicalize_name


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    headers: dict[str, str]
    status: int


class FakeOsv:
    __test__ = False

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.affected: dict[tuple[str, str], list[str]] = {}
        self.log: list[Logged] = []
        self.page_size: int | None = None
        self.down = False
        self.garbage = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add(
        self,
        ident: str,
        package: str,
        versions: list[str],
        fixed: str | None = None,
        **fields: Any,
    ) -> None:
        """Plant advisory ``ident`` affecting ``package`` at ``versions``."""
        events: list[dict[str, str]] = [{"introduced": "0"}]
        if fixed:
            events.append({"fixed": fixed})
        document = {
            "id": ident,
            "modified": "2026-01-01T00:00:00Z",
            "summary": f"{ident} in {package}",
            "affected": [
                {
                    "package": {"ecosystem": "PyPI", "name": package},
                    "ranges": [{"type": "ECOSYSTEM", "events": events}],
                    "versions": versions,
                }
            ],
            **fields,
        }
        self.documents[ident] = document
        for version in versions:
            key = (str(canonicalize_name(package)), version)
            self.affected.setdefault(key, []).append(ident)

    def clear(self) -> None:
        with self._lock:
            self.log.clear()

    def requests(self, method: str | None = None) -> list[Logged]:
        return [r for r in self.log if method is None or r.method == method]

    # -- serving -------------------------------------------------------------

    def _batch(self, body: bytes) -> tuple[int, bytes]:
        if self.garbage:
            return 200, b"<html>not json</html>"
        try:
            queries = json.loads(body)["queries"]
        except (ValueError, KeyError, TypeError):
            return 400, b'{"message": "bad request"}'
        results = []
        for query in queries:
            package = query.get("package", {})
            key = (str(canonicalize_name(package.get("name", ""))), query["version"])
            ids = self.affected.get(key, [])
            start = int(query.get("page_token", "0") or 0)
            end = len(ids) if self.page_size is None else start + self.page_size
            result: dict[str, Any] = {}
            if ids[start:end]:
                result["vulns"] = [
                    {"id": i, "modified": self.documents.get(i, {}).get("modified")}
                    for i in ids[start:end]
                ]
            if end < len(ids):
                result["next_page_token"] = str(end)
            results.append(result)
        return 200, json.dumps({"results": results}).encode()

    def _vuln(self, ident: str) -> tuple[int, bytes]:
        document = self.documents.get(ident)
        if document is None:
            return 404, b'{"code": 5, "message": "Bug not found."}'
        return 200, json.dumps(document).encode()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeOsv:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _handler(osv: FakeOsv) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, method: str, status: int, body: bytes, etag: bool) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            out = {"Content-Type": "application/json"}
            if etag and status == 200:
                out["ETag"] = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                if headers.get("if-none-match") == out["ETag"]:
                    status, body = 304, b""
            with osv._lock:
                osv.log.append(Logged(method, self.path, headers, status))
            self.send_response(status)
            for key, value in out.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if osv.down:
                self._reply("POST", 503, b"{}", False)
            elif self.path == "/v1/querybatch":
                self._reply("POST", *osv._batch(body), False)
            else:
                self._reply("POST", 404, b"{}", False)

        def do_GET(self) -> None:
            if osv.down:
                self._reply("GET", 503, b"{}", False)
            elif self.path.startswith("/v1/vulns/"):
                status, body = osv._vuln(self.path.removeprefix("/v1/vulns/"))
                self._reply("GET", status, body, True)
            else:
                self._reply("GET", 404, b"{}", False)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve_osv() -> Iterator[FakeOsv]:
    with FakeOsv() as osv:
        yield osv
