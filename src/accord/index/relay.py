"""A local relay between uv and the package index, for one run of accord.

uv asks the index for each page and each wheel's metadata as its resolution
reaches them. Against an index that sends no caching headers (devpi, Nexus
and many mirrors do not) uv revalidates every page on every run; where the
index does not advertise PEP 658 metadata it reads each wheel's METADATA
with several range requests; and the second Python of a run asks for all of
it again, because uv cannot be told to trust its cache
(astral-sh/uv#10444). The relay, on 127.0.0.1, answers uv instead:

- a page is fetched from the index once per run and served with PyPI's own
  ``Cache-Control: max-age=600``, its file links pointing back at the relay
  and each wheel's core metadata advertised;
- a file is served ``immutable`` (a file on an index never changes);
- a wheel's metadata is the index's ``.metadata`` file or, where the index
  has none, the METADATA read out of the wheel by range requests;
- asked for one CPython's wheel metadata, it fetches that release's wheels
  for the run's other Pythons in the background (what they will ask next).

Each URL is fetched at most once per relay (concurrent askers wait for the
same fetch). Relayed are the hosts the index's pages link to and, on any
http(s) host, distribution files (uv may hold pages from an earlier run);
nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import queue
import re
import sys
import threading
import urllib.parse
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from accord.errors import AccordError
from accord.index._http import Fetcher, redact

PAGE_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
PAGE_CACHE = "max-age=600"  # what PyPI says of its pages
FILE_CACHE = "max-age=31536000, immutable"
_ANCHOR = re.compile(r"<a\s([^>]*)>([^<]*)", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""", re.DOTALL
)
_JSON_URL = re.compile(rb'"url"\s*:\s*"')
_JSON_ABSOLUTE_URL = re.compile(rb'"url"\s*:\s*"(https?)://([^/"]+)/')
_JSON_WHEEL = re.compile(rb'("filename"\s*:\s*"[^"]+\.whl")')
_ADVERTISE_JSON = rb'\1, "core-metadata": true, "dist-info-metadata": true'
_BASE = re.compile(r"<base\s[^>]*href\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
# A relay path of a wheel built for one CPython on Linux x86_64 (uv's
# "linux"): /f/.../<dist>-<version>-cp312-cp312-manylinux_..._x86_64.whl
_PER_PYTHON = re.compile(
    r"(?P<path>/f/[^\"'#\s]*/(?P<release>[A-Za-z0-9_.]+-[^-/\"'#\s]+)-"
    r"(?P<python>cp3\d+)-cp3\d+t?-"
    r"(?P<platform>[^-/\"'#\s]*linux[^-/\"'#\s]*x86_64)\.whl)(?=[\"'#]|$)"
)
_PORT_RANGE = (30000, 60000)
_KEEP_AT_MOST = 1024 * 1024
_AHEAD_THREADS = 8


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/octet-stream"
    cache_control: str = FILE_CACHE


_NOT_FOUND = Reply(404, b"not found\n", "text/plain", PAGE_CACHE)
_FILE_NOT_FOUND = Reply(404, b"not found\n", "text/plain", "no-store")
# What the relay refuses must not stick in uv's cache.
_REFUSED = Reply(404, b"not relayed\n", "text/plain", "no-store")
_DISTRIBUTIONS = (".whl", ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar")


class Relay:
    """Serves the simple API of ``upstreams`` on 127.0.0.1 while open.

    ``url(i)`` is the relay's address for ``upstreams[i]``.
    """

    def __init__(
        self, upstreams: Sequence[str], fetcher: Fetcher, pythons: Sequence[str] = ()
    ) -> None:
        self.upstreams = tuple(u if u.endswith("/") else u + "/" for u in upstreams)
        self.fetcher = fetcher
        for upstream in self.upstreams:
            fetcher.remember_credentials(upstream)
        self._flights: dict[str, Future[Reply]] = {}
        self._hosts: set[tuple[str, str]] = set()  # (scheme, netloc) seen linked
        self._lock = threading.Lock()
        # (distribution-version, platform) -> {python tag: relay path} of the
        # per-Python wheels the pages list, to fetch siblings ahead.
        self._per_python: dict[tuple[str, str], dict[str, str]] = {}
        self._siblings_fetched: set[tuple[str, str]] = set()
        # The wheels worth fetching ahead: those of the run's Pythons (all,
        # if not told).
        self._python_tags = frozenset(f"cp{p.replace('.', '')}" for p in pythons)
        # Fetches ahead run on daemon threads: nobody waits for them, and a
        # slow one must not hold the process open after the command is done
        # (an executor's threads would be joined at exit).
        self._ahead: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        for number in range(_AHEAD_THREADS):
            threading.Thread(
                target=self._fetch_ahead, name=f"accord-relay-{number}", daemon=True
            ).start()
        self._server = _bind(_Handler, self, self.upstreams)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def url(self, index: int) -> str:
        return f"{self.base}{index}/"

    def close(self) -> None:
        for _ in range(_AHEAD_THREADS):
            self._ahead.put(None)
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Relay:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- what uv asks for ---------------------------------------------------

    def page(self, index: int, name: str, *, keep: bool = True) -> Reply:
        """The project page ``name`` of ``upstreams[index]``, relayed.

        ``keep=False`` (uv's own request) lets the relay forget the page
        once answered: uv keeps it for ten minutes itself, and pages are most
        of what a run would otherwise hold in memory.
        """
        if not 0 <= index < len(self.upstreams) or not name or "/" in name:
            return _REFUSED
        upstream = urllib.parse.urljoin(self.upstreams[index], f"{name}/")
        key = f"page {upstream}"
        reply = self._once(key, lambda: self._fetch_page(upstream))
        if not keep:
            with self._lock:
                self._flights.pop(key, None)
        return reply

    def file(self, path: str, *, siblings: bool = True) -> Reply:
        """The file at relay ``path`` (``/f/<scheme>/<host>/...``), relayed.

        Asked for a per-Python wheel's metadata, the relay also starts
        fetching the metadata of the same release's wheels for the run's
        other Pythons (unless ``siblings`` is false): the next Pythons ask
        for exactly those, and little else the first one did not.
        """
        upstream = self._upstream(path)
        if upstream is None:
            return _REFUSED
        if siblings and path.endswith(".whl.metadata"):
            self._fetch_siblings(path.removesuffix(".metadata"))
        return self._once(f"file {upstream}", lambda: self._fetch_file(upstream))

    def _fetch_siblings(self, path: str) -> None:
        match = _PER_PYTHON.search(path)
        if match is None:
            return
        key = (match["release"], match["platform"])
        with self._lock:
            if key in self._siblings_fetched:
                return
            self._siblings_fetched.add(key)
            others = [
                other
                for tag, other in self._per_python.get(key, {}).items()
                if tag != match["python"]
                and (not self._python_tags or tag in self._python_tags)
            ]
        for other in others:
            self._ahead.put(other + ".metadata")

    def _fetch_ahead(self) -> None:
        while (path := self._ahead.get()) is not None:
            with contextlib.suppress(Exception):  # only a guess: uv will ask
                self.file(path, siblings=False)

    def _once(self, key: str, fetch: Callable[[], Reply]) -> Reply:
        with self._lock:
            flight = self._flights.get(key)
            mine = flight is None
            if flight is None:
                flight = self._flights[key] = Future()
        if mine:
            try:
                reply = fetch()
                flight.set_result(reply)
                if (
                    len(reply.body) > _KEEP_AT_MOST
                    and reply.cache_control == FILE_CACHE
                ):
                    # uv keeps files it was told are immutable; holding a
                    # large sdist here too would only cost memory.
                    with self._lock:
                        self._flights.pop(key, None)
            except AccordError as error:
                reply = Reply(502, f"{error}\n".encode(), "text/plain", "no-store")
                flight.set_result(reply)
            except BaseException as error:  # the waiters must not hang
                flight.set_exception(error)
                raise
        return flight.result()

    def _fetch_page(self, upstream: str) -> Reply:
        response = self.fetcher.get(upstream, PAGE_ACCEPT)
        if response is None:
            return _NOT_FOUND
        if "json" in response.content_type.lower():
            body = self._rewrite_json(response.body, response.url)
        else:
            body = self._rewrite_html(response.body, response.url)
        self._note_per_python(body)
        return Reply(200, body, response.content_type, PAGE_CACHE)

    def _note_per_python(self, body: bytes) -> None:
        found: dict[tuple[str, str], dict[str, str]] = {}
        for match in _PER_PYTHON.finditer(body.decode("utf-8", "replace")):
            key = (match["release"], match["platform"])
            found.setdefault(key, {})[match["python"]] = match["path"]
        if found:
            with self._lock:
                self._per_python.update(found)

    def _fetch_file(self, upstream: str) -> Reply:
        response = self.fetcher.get(upstream, "*/*")
        if response is not None:
            return Reply(200, response.body)
        wheel = upstream.removesuffix(".metadata")
        if wheel == upstream or not wheel.endswith(".whl"):
            return _FILE_NOT_FOUND
        # The relay advertised metadata the index does not serve: read it
        # out of the wheel with range requests, as uv would have.
        metadata = _wheel_metadata(_RemoteFile(self.fetcher, wheel))
        return _FILE_NOT_FOUND if metadata is None else Reply(200, metadata)

    # -- rewriting pages ----------------------------------------------------

    def _relay_path(self, base: str, url: str) -> tuple[str, str]:
        """The relay's path for ``url`` (as linked from ``base``), and its
        ``#fragment`` (the file's hash, which uv checks)."""
        url, hashmark, fragment = url.partition("#")
        scheme, separator, rest = url.partition("://")
        if not separator or "/" not in rest or scheme not in ("http", "https"):
            absolute = urllib.parse.urljoin(base, url)
            scheme, _, rest = absolute.partition("://")
        self._allow(scheme, rest.split("/", 1)[0])
        return f"/f/{scheme}/{rest}", f"{hashmark}{fragment}"

    def _allow(self, scheme: str, host: str) -> None:
        if (scheme, host) not in self._hosts:
            with self._lock:
                self._hosts.add((scheme, host))

    def _upstream(self, path: str) -> str | None:
        """The index URL behind relay ``path``, or None if not relayed.

        A host a page of this run linked to is relayed; so is a distribution
        file (or its metadata) on any http(s) host, because uv keeps pages
        for ten minutes and asks a later run's relay (on the same port) for
        the files they link. Nothing else: the relay is no open proxy.
        """
        if not path.startswith("/f/"):
            return None
        scheme, _, rest = path.removeprefix("/f/").partition("/")
        netloc, _, tail = rest.partition("/")
        if scheme not in ("http", "https") or not netloc or not tail:
            return None
        with self._lock:
            known = (scheme, netloc) in self._hosts
        filename = tail.partition("?")[0].removesuffix(".metadata")
        if not known and not filename.endswith(_DISTRIBUTIONS):
            return None
        return f"{scheme}://{netloc}/{tail}"

    def _rewrite_json(self, body: bytes, page_url: str) -> bytes:
        # Pages such as botocore's list thousands of files. When every link
        # is absolute (PyPI's are), the links are rewritten on the bytes;
        # JSON is decoded only for relative links.
        absolute = _JSON_ABSOLUTE_URL.findall(body)
        wheels = len(_JSON_WHEEL.findall(body))
        advertised = max(
            body.count(b'"core-metadata"'), body.count(b'"dist-info-metadata"')
        )
        if (
            b'"files"' in body
            and len(absolute) == len(_JSON_URL.findall(body))
            and advertised in (0, wheels)
        ):
            for scheme, host in set(absolute):
                self._allow(scheme.decode("ascii"), host.decode("ascii", "replace"))
            relay = self.base.encode("ascii")
            body = _JSON_ABSOLUTE_URL.sub(
                lambda m: b'"url": "' + relay + b"f/" + m[1] + b"/" + m[2] + b"/", body
            )
            if not advertised:
                body = _JSON_WHEEL.sub(_ADVERTISE_JSON, body)
            return body
        try:
            data = json.loads(body)
            entries = data["files"]
            if not isinstance(entries, list):
                raise TypeError("'files' is not a list")
        except (ValueError, TypeError, KeyError) as error:
            raise RelayError(
                f"{redact(page_url)}: not a simple-API page: {error}"
            ) from error
        prefix = self.base.rstrip("/")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
                continue
            path, fragment = self._relay_path(page_url, entry["url"])
            entry["url"] = f"{prefix}{path}{fragment}"
            filename = str(entry.get("filename", ""))
            if filename.endswith(".whl") and not (
                entry.get("core-metadata") or entry.get("dist-info-metadata")
            ):
                entry["core-metadata"] = True
                entry["dist-info-metadata"] = True
        return json.dumps(data).encode()

    def _rewrite_html(self, body: bytes, page_url: str) -> bytes:
        text = body.decode("utf-8", errors="replace")
        base_match = _BASE.search(text)
        base = (
            urllib.parse.urljoin(page_url, html.unescape(base_match.group(1)))
            if base_match
            else page_url
        )
        text = _BASE.sub("", text)
        relay = self.base.rstrip("/")

        def anchor(match: re.Match[str]) -> str:
            attributes = _attributes(match.group(1))
            href = attributes.get("href")
            if not href:
                return match.group(0)
            path, fragment = self._relay_path(base, href)
            filename = match.group(2).strip() or urllib.parse.unquote(
                path.split("?", 1)[0].rsplit("/", 1)[-1]
            )
            attributes["href"] = f"{relay}{path}{fragment}"
            if filename.endswith(".whl") and not (
                attributes.get("data-core-metadata")
                or attributes.get("data-dist-info-metadata")
            ):
                attributes["data-core-metadata"] = "true"
                attributes["data-dist-info-metadata"] = "true"
            rendered = " ".join(
                f'{key}="{html.escape(value, quote=True)}"'
                for key, value in attributes.items()
            )
            return f"<a {rendered}>{match.group(2)}"

        return _ANCHOR.sub(anchor, text).encode()


def _attributes(text: str) -> dict[str, str]:
    """An HTML tag's attributes, names lower-cased, values unescaped."""
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(text)
    }


class RelayError(AccordError):
    """The index answered something the relay cannot pass on."""


def _wheel_metadata(wheel: io.RawIOBase) -> bytes | None:
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                head, _, tail = name.partition("/")
                if tail == "METADATA" and head.endswith(".dist-info"):
                    return archive.read(name)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return None
    return None


class _RemoteFile(io.RawIOBase):
    """A wheel on the index, read by ranges: zipfile reads the central
    directory at the end and one member, not the whole file (pip and uv
    read wheels the same way)."""

    _TAIL = 64 * 1024  # the central directory of most wheels fits

    def __init__(self, fetcher: Fetcher, url: str) -> None:
        super().__init__()
        self.fetcher = fetcher
        self.url = url
        body, total = fetcher.get_range(url, f"-{self._TAIL}")
        if total is None:  # the server ignored the range: this is all of it
            self._size, self._start, self._data = len(body), 0, body
        else:
            self._size, self._start, self._data = total, total - len(body), body
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}
        self._position = max(0, base[whence] + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        end = min(self._position + len(view), self._size)
        if end <= self._position:
            return 0
        if self._position < self._start:
            # One request for everything up to what is held already.
            body, _ = self.fetcher.get_range(
                self.url, f"{self._position}-{self._start - 1}"
            )
            self._data = body + self._data
            self._start = self._position
        chunk = self._data[self._position - self._start : end - self._start]
        view[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)


def _bind(
    handler: type[_Handler], relay: Relay, upstreams: Sequence[str]
) -> _RelayServer:
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
            return _RelayServer(("127.0.0.1", port), handler, relay)
        except OSError:
            if port == 0:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


class _RelayServer(ThreadingHTTPServer):
    # The same port run after run (see _bind): reuse it past TIME_WAIT. On
    # Linux and macOS a second listener still cannot bind it; Windows'
    # SO_REUSEADDR would let one, so not there.
    allow_reuse_address = sys.platform != "win32"
    request_queue_size = 128  # uv opens dozens of connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        # uv drops connections it no longer needs when it finishes; that is
        # not an error worth a traceback on the user's terminal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[_Handler],
        relay: Relay,
    ) -> None:
        self.relay = relay
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _RelayServer
    protocol_version = "HTTP/1.1"  # keep-alive: uv reuses its connections

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        relay = self.server.relay
        path = urllib.parse.urlsplit(self.path)
        target = path.path + (f"?{path.query}" if path.query else "")
        if target.startswith("/f/"):
            reply = relay.file(target)
        else:
            index, _, rest = path.path.strip("/").partition("/")
            reply = (
                relay.page(int(index), rest.strip("/"), keep=False)
                if index.isdigit()
                else _REFUSED
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
