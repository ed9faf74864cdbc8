"""A package index on 127.0.0.1 for tests: no network, real HTTP.

``TestIndex`` serves a temporary directory laid out as an index::

    simple/<name>/index.json   PEP 691 JSON, when Accept asks for it
    simple/<name>/index.html   PEP 503 HTML otherwise (or always, json_api=False)
    files/<filename>           a real wheel / sdist
    files/<filename>.metadata  PEP 658 core metadata of a wheel
    pypi/<name>/json           PyPI's JSON API, latest release
    pypi/<name>/<version>/json PyPI's JSON API, one release

Links on the simple pages are relative (``../../files/...``) unless
``absolute_urls``. Responses carry an ETag and Last-Modified and answer
``If-None-Match`` with 304; ``max_age`` adds ``Cache-Control: max-age``;
``fail()`` makes a path answer an error status a number of times,
``stall()`` makes it answer late and ``redirect()`` sends it elsewhere;
``ranges`` makes it answer ``Range`` requests (206, one range);
``auth`` demands HTTP Basic credentials; ``gzip`` compresses every whole
answer (``Content-Encoding: gzip``) whatever the client accepts.
Every request is recorded in ``requests`` (paths) and ``log`` (with headers).

Use the ``test_index`` fixture (``from .indexserver import index_fixture``)
or ``with serve_index(path) as index:``.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import hashlib
import html
import io
import json
import os
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


@dataclass
class Release:
    """One release: a wheel (unless ``wheel=False``) and an sdist."""

    version: str
    uploaded: str = "2024-01-01"  # ISO date or datetime (UTC)
    yanked: str | None = None  # None: not yanked; "" yanked without a reason
    requires_python: str | None = None
    summary: str = ""
    license: str | None = None
    license_expression: str | None = None
    classifiers: list[str] = field(default_factory=list)
    requires_dist: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    wheel: bool = True
    metadata: bool = True  # serve the wheel's PEP 658 .metadata
    vulnerabilities: list[dict[str, Any]] = field(default_factory=list)
    sdist: bytes | None = None  # the sdist's bytes, else one with PKG-INFO only


@dataclass(frozen=True)
class LoggedRequest:
    path: str
    headers: dict[str, str]  # lower-case names
    status: int


class TestIndex:
    """A running local index; ``close()`` (or ``with``) stops it."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, root: Path, *, json_api: bool = True, absolute_urls: bool = False
    ) -> None:
        self.root = root
        self.json_api = json_api
        self.absolute_urls = absolute_urls
        self.max_age: int | None = None
        self.ranges = False  # True: answer Range requests with 206
        self.auth: tuple[str, str] | None = None
        self.gzip = False  # True: gzip every whole answer, asked for or not
        self.requests: list[str] = []
        self.log: list[LoggedRequest] = []
        self._failures: dict[str, list[int]] = {}
        self._stalls: dict[str, float] = {}
        self._redirects: dict[str, str] = {}
        self._lock = threading.Lock()
        for sub in ("simple", "files", "pypi"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    # -- addresses ---------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def simple_url(self) -> str:
        return self.base_url + "simple/"

    @property
    def pypi_json_url(self) -> str:
        return self.base_url + "pypi/"

    def with_credentials(self, url: str, user: str, password: str) -> str:
        return url.replace("http://", f"http://{user}:{password}@", 1)

    # -- behaviour ---------------------------------------------------------

    def fail(self, target: str, times: int = 1, status: int = 500) -> None:
        """Answer ``status`` the next ``times`` requests for ``target``.

        ``target`` is a path (``/pypi/x/json``) or a project name (its
        simple page).
        """
        with self._lock:
            self._failures.setdefault(self._path(target), []).extend([status] * times)

    def redirect(self, target: str, location: str) -> None:
        """Answer requests for ``target`` with a 302 to ``location``."""
        self._redirects[self._path(target)] = location

    def stall(self, target: str, seconds: float) -> None:
        """Wait ``seconds`` before answering requests for ``target``."""
        self._stalls[self._path(target)] = seconds

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()
            self.log.clear()

    def _path(self, target: str) -> str:
        return target if target.startswith("/") else f"/simple/{_norm(target)}/"

    # -- content -----------------------------------------------------------

    def add(
        self,
        name: str,
        releases: list[Release],
        project_urls: dict[str, str] | None = None,
        home_page: str | None = None,
    ) -> None:
        """Publish ``name`` with ``releases``, replacing what it had."""
        urls = project_urls or {}
        files: list[dict[str, Any]] = []
        per_release: dict[str, list[dict[str, Any]]] = {}
        for release in releases:
            metadata = _metadata(name, release, urls, home_page)
            built = self._build(name, release, metadata)
            files.extend(built)
            per_release[release.version] = built
        self._write_simple(name, releases, files)
        self._write_json(name, releases, per_release, urls, home_page)

    def _build(
        self, name: str, release: Release, metadata: str
    ) -> list[dict[str, Any]]:
        stem = f"{_norm(name).replace('-', '_')}-{release.version}"
        built = []
        if release.wheel:
            wheel = f"{stem}-py3-none-any.whl"
            (self.root / "files" / wheel).write_bytes(_wheel(stem, metadata))
            if release.metadata:
                (self.root / "files" / f"{wheel}.metadata").write_text(metadata)
            built.append(self._file_entry(wheel, release, release.metadata))
        sdist = f"{stem}.tar.gz"
        body = _sdist(stem, metadata) if release.sdist is None else release.sdist
        (self.root / "files" / sdist).write_bytes(body)
        built.append(self._file_entry(sdist, release, False))
        return built

    def _file_entry(
        self, filename: str, release: Release, metadata: bool
    ) -> dict[str, Any]:
        path = self.root / "files" / filename
        entry: dict[str, Any] = {
            "filename": filename,
            "url": (self.base_url + "files/" if self.absolute_urls else "../../files/")
            + filename,
            "hashes": {"sha256": _sha256(path.read_bytes())},
            "requires-python": release.requires_python,
            "yanked": release.yanked if release.yanked else release.yanked == "",
            "upload-time": _upload_time(release.uploaded),
            "size": path.stat().st_size,
        }
        if metadata:
            digest = _sha256(
                (self.root / "files" / f"{filename}.metadata").read_bytes()
            )
            entry["core-metadata"] = entry["dist-info-metadata"] = {"sha256": digest}
        return entry

    def _write_simple(
        self, name: str, releases: list[Release], files: list[dict[str, Any]]
    ) -> None:
        directory = self.root / "simple" / _norm(name)
        directory.mkdir(parents=True, exist_ok=True)
        document = {
            "meta": {"api-version": "1.1"},
            "name": _norm(name),
            "versions": [r.version for r in releases],
            "files": files,
        }
        (directory / "index.json").write_text(json.dumps(document, indent=1))
        anchors = []
        for entry in files:
            href = f"{entry['url']}#sha256={entry['hashes']['sha256']}"
            attrs = f' href="{html.escape(href)}"'
            if entry["requires-python"]:
                attrs += (
                    f' data-requires-python="{html.escape(entry["requires-python"])}"'
                )
            if entry["yanked"] is not False:
                reason = entry["yanked"] if isinstance(entry["yanked"], str) else ""
                attrs += f' data-yanked="{html.escape(reason)}"'
            if "core-metadata" in entry:
                digest = entry["core-metadata"]["sha256"]
                attrs += f' data-core-metadata="sha256={digest}"'
                attrs += f' data-dist-info-metadata="sha256={digest}"'
            anchors.append(f"    <a{attrs}>{html.escape(entry['filename'])}</a><br />")
        page = (
            "<!DOCTYPE html>\n<html>\n  <head>\n"
            '    <meta name="pypi:repository-version" content="1.1">\n'
            f"    <title>Links for {html.escape(name)}</title>\n  </head>\n"
            f"  <body>\n    <h1>Links for {html.escape(name)}</h1>\n"
            + "\n".join(anchors)
            + "\n  </body>\n</html>\n"
        )
        (directory / "index.html").write_text(page)

    def _write_json(
        self,
        name: str,
        releases: list[Release],
        per_release: dict[str, list[dict[str, Any]]],
        urls: dict[str, str],
        home_page: str | None,
    ) -> None:
        directory = self.root / "pypi" / _norm(name)
        all_files = {
            release.version: [
                self._json_url(e, release) for e in per_release[release.version]
            ]
            for release in releases
        }
        for release in releases:
            document = self._json_document(name, release, urls, home_page, all_files)
            target = directory / release.version / "json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(document, indent=1))
        latest = _latest(releases)
        if latest is not None:
            document = self._json_document(name, latest, urls, home_page, all_files)
            document["releases"] = all_files
            (directory / "json").write_text(json.dumps(document, indent=1))

    def _json_url(self, entry: dict[str, Any], release: Release) -> dict[str, Any]:
        return {
            "filename": entry["filename"],
            "url": self.base_url + "files/" + entry["filename"],
            "digests": entry["hashes"],
            "packagetype": "bdist_wheel"
            if entry["filename"].endswith(".whl")
            else "sdist",
            "requires_python": release.requires_python,
            "upload_time_iso_8601": entry["upload-time"],
            "yanked": release.yanked is not None,
            "yanked_reason": release.yanked or None,
        }

    def _json_document(
        self,
        name: str,
        release: Release,
        urls: dict[str, str],
        home_page: str | None,
        all_files: dict[str, list[dict[str, Any]]],
    ) -> dict[str, Any]:
        info = {
            "name": name,
            "version": release.version,
            "summary": release.summary,
            "license": release.license,
            "license_expression": release.license_expression,
            "classifiers": release.classifiers,
            "requires_python": release.requires_python or "",
            "requires_dist": release.requires_dist or None,
            "keywords": ",".join(release.keywords),
            "project_urls": urls or None,
            "home_page": home_page,
            "yanked": release.yanked is not None,
            "yanked_reason": release.yanked or None,
        }
        vulnerabilities = [
            {
                "id": "",
                "summary": None,
                "details": "",
                "aliases": [],
                "fixed_in": [],
                "link": None,
                "source": "osv",
                "withdrawn": None,
                **vulnerability,
            }
            for vulnerability in release.vulnerabilities
        ]
        return {
            "info": info,
            "urls": all_files[release.version],
            "vulnerabilities": vulnerabilities,
        }

    def set_status(self, name: str, status: str, reason: str | None = None) -> None:
        """Mark ``name`` (already added) with a PEP 792 status, in both the
        JSON page (``project-status``) and the HTML one (meta tags)."""
        directory = self.root / "simple" / _norm(name)
        document = json.loads((directory / "index.json").read_text())
        document["meta"]["api-version"] = "1.4"
        document["project-status"] = {"status": status}
        if reason is not None:
            document["project-status"]["reason"] = reason
        (directory / "index.json").write_text(json.dumps(document, indent=1))
        meta = (
            f'    <meta name="pypi:project-status" content="{html.escape(status)}">\n'
        )
        if reason is not None:
            meta += (
                '    <meta name="pypi:project-status-reason" '
                f'content="{html.escape(reason)}">\n'
            )
        page = (directory / "index.html").read_text()
        (directory / "index.html").write_text(
            page.replace("  <head>\n", "  <head>\n" + meta, 1)
        )

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> TestIndex:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- serving -----------------------------------------------------------

    def _answer(
        self, path: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if path in self._stalls:
            time.sleep(self._stalls[path])
        with self._lock:
            pending = self._failures.get(path)
            status = pending.pop(0) if pending else None
        if status is not None:
            return status, {"Content-Type": "text/plain"}, b"failure on request\n"
        if self.auth is not None:
            expected = base64.b64encode(":".join(self.auth).encode()).decode()
            if headers.get("authorization") != f"Basic {expected}":
                return 401, {"WWW-Authenticate": 'Basic realm="index"'}, b""
        if path in self._redirects:
            return 302, {"Location": self._redirects[path]}, b""
        file, content_type = self._locate(path, headers.get("accept", ""))
        if file is None:
            if path.startswith("/simple/") and not path.endswith("/"):
                return 301, {"Location": path + "/"}, b""
            return 404, {"Content-Type": "text/plain"}, b"404 Not Found\n"
        body = file.read_bytes()
        etag = f'"{_sha256(body)[:16]}"'
        out = {
            "Content-Type": content_type,
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(file.stat().st_mtime, usegmt=True),
        }
        if self.max_age is not None:
            out["Cache-Control"] = f"max-age={self.max_age}, public"
        if headers.get("if-none-match") == etag:
            return 304, out, b""
        return 200, out, body

    def _locate(self, path: str, accept: str) -> tuple[Path | None, str]:
        parts = [p for p in path.split("/") if p]
        if any(p in {".", ".."} for p in parts) or not parts:
            return None, ""
        if parts[0] == "simple" and len(parts) == 2 and path.endswith("/"):
            directory = self.root / "simple" / _norm(parts[1])
            if self.json_api and JSON_TYPE in accept:
                return _exists(directory / "index.json"), JSON_TYPE
            return _exists(directory / "index.html"), "text/html; charset=utf-8"
        if parts[0] == "files" and len(parts) == 2:
            # A local version's "+" comes quoted: foo-1.0%2Bcpu-py3-none-any.whl
            name = unquote(parts[1])
            return _exists(self.root / "files" / name), "application/octet-stream"
        if parts[0] == "repos":  # RPM repositories (repodata/) for distro tests
            return _exists(self.root.joinpath(*parts)), "application/octet-stream"
        if parts[0] == "pypi" and parts[-1] == "json" and len(parts) in {3, 4}:
            target = self.root / "pypi" / _norm(parts[1]) / Path(*parts[2:])
            return _exists(target), "application/json"
        return None, ""


class OkHandler(BaseHTTPRequestHandler):
    """Answers every GET with 200 and "ok": a server that is not an index
    (another program on a port, a target for connections)."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


def _handler(index: TestIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_HEAD(self) -> None:
            self.do_GET(send_body=False)

        def do_GET(self, send_body: bool = True) -> None:
            path = self.path.split("?", 1)[0]
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out, body = index._answer(path, headers)
            wanted = headers.get("range", "")
            if index.ranges and status == 200 and wanted.startswith("bytes="):
                status, out, body = _ranged(wanted[6:], out, body)
            if index.gzip and status == 200:
                body = gzip.compress(body)
                out = {**out, "Content-Encoding": "gzip"}
            with index._lock:
                index.requests.append(path)
                index.log.append(LoggedRequest(path, headers, status))
            try:
                self.send_response(status)
                for key, value in out.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                if index.ranges:
                    self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if status != 304 and send_body:
                    self.wfile.write(body)
            except OSError:
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _ranged(
    wanted: str, out: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """A 206 answer to ``Range: bytes=<wanted>`` (one range)."""
    first, _, last = wanted.partition("-")
    size = len(body)
    start = max(0, size - int(last)) if not first else int(first)
    end = size - 1 if not first or not last else min(int(last), size - 1)
    return (
        206,
        {**out, "Content-Range": f"bytes {start}-{end}/{size}"},
        body[start : end + 1],
    )


def serve_index(root: Path, **options: bool) -> TestIndex:
    """A started index serving ``root``; use as ``with serve_index(p) as i:``."""
    return TestIndex(root, **options)


@pytest.fixture(name="test_index")
def index_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestIndex]:
    """A running :class:`TestIndex` under ``tmp_path / "index"``."""
    for variable in ("NO_PROXY", "no_proxy"):
        existing = os.environ.get(variable)
        monkeypatch.setenv(
            variable, f"{existing},127.0.0.1" if existing else "127.0.0.1"
        )
    with serve_index(tmp_path / "index") as index:
        yield index


def _norm(name: str) -> str:
    return str(canonicalize_name(name))


def _exists(path: Path) -> Path | None:
    return path if path.is_file() else None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _upload_time(uploaded: str) -> str:
    if "T" not in uploaded:
        uploaded += "T00:00:00.000000"
    return uploaded if uploaded.endswith("Z") or "+" in uploaded else uploaded + "Z"


def _latest(releases: list[Release]) -> Release | None:
    live = [r for r in releases if r.yanked is None]
    finals = [r for r in live if not Version(r.version).is_prerelease]
    pool = finals or live or releases
    return max(pool, key=lambda r: Version(r.version)) if pool else None


def _metadata(
    name: str, release: Release, urls: dict[str, str], home_page: str | None
) -> str:
    lines = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {release.version}"]
    if release.summary:
        lines.append(f"Summary: {release.summary}")
    if release.keywords:
        lines.append(f"Keywords: {','.join(release.keywords)}")
    if home_page:
        lines.append(f"Home-page: {home_page}")
    if release.license:
        lines.append(f"License: {release.license}")
    if release.license_expression:
        lines.append(f"License-Expression: {release.license_expression}")
    lines += [f"Classifier: {c}" for c in release.classifiers]
    if release.requires_python:
        lines.append(f"Requires-Python: {release.requires_python}")
    lines += [f"Requires-Dist: {r}" for r in release.requires_dist]
    lines += [f"Project-URL: {label}, {url}" for label, url in urls.items()]
    return "\n".join(lines) + "\n\nThe long description.\n"


def _wheel(stem: str, metadata: str) -> bytes:
    package = stem.partition("-")[0]
    files = {
        f"{package}/__init__.py": "",
        f"{stem}.dist-info/METADATA": metadata,
        f"{stem}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: accord-tests\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(
        f"{path},sha256={_record_digest(text)},{len(text.encode())}\n"
        for path, text in files.items()
    )
    files[f"{stem}.dist-info/RECORD"] = record + f"{stem}.dist-info/RECORD,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, text in files.items():
            archive.writestr(zipfile.ZipInfo(member, (2024, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def _sdist(stem: str, metadata: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = metadata.encode()
        info = tarfile.TarInfo(f"{stem}/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _record_digest(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
