"""HTTP GET with retries and an on-disk cache that revalidates.

One cache entry per (URL, Accept) pair: ``<cache_dir>/<h[:2]>/<h>`` where
``h`` is the SHA-256 of the pair (the file's format: :mod:`accord.index._cache`;
it is replaced atomically, so threads and processes sharing the cache never
read half an entry). A fresh entry (younger than its
``Cache-Control: max-age``) answers without a request; a stale one is
revalidated with ``If-None-Match`` / ``If-Modified-Since`` and reused on 304.

The file's modification time is when the entry was last known good: a 304
that changes neither validators nor ``max-age`` (the usual one) only sets
it (one ``utime``, atomic), instead of writing the whole body again; the
``fetched`` in the JSON line is when the body came.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from accord.index._cache import (
    Entry,
    Validators,
    max_age_of,
    read_entry,
    write_cache_file,
    write_entry,
)
from accord.index._errors import (
    DeadlineExceeded,
    IndexUnavailable,
    RedirectRefused,
    origin,
    redact,
)
from accord.index._limits import PAGE_BYTES, Budget, Stalls, read_body
from accord.index._limits import request_seconds as _request_seconds
from accord.index._urls import ascii_url, split_credentials, unfetchable

if TYPE_CHECKING:
    from http.client import HTTPResponse
    from urllib.request import OpenerDirector

    from accord.index._pool import Pool
    from accord.index._stream import Opened

__all__ = [
    "Fetcher",
    "IndexUnavailable",
    "Response",
    "Validators",
    "redact",
    "write_cache_file",
]

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_NOT_FOUND = frozenset({404, 410})
_ANSWERED = _NOT_FOUND | {304}  # statuses get() gives a meaning


_Sent = tuple[bytes, str, Message]  # body, URL after redirects, headers
_T = TypeVar("_T")


class _Status(Exception):
    """An answer whose status is not 2xx, as :meth:`Fetcher._open` raises it
    (urllib's HTTPError, through a proxy, is turned into it)."""

    def __init__(self, code: int, reason: str, headers: Message) -> None:
        super().__init__(f"HTTP {code} {reason}")
        self.code = code
        self.reason = reason
        self.headers = headers


class Response(NamedTuple):
    url: str  # after redirects, credentials removed: the base for relative links
    body: bytes
    content_type: str
    from_cache: bool = False
    validators: Validators | None = None  # None: not to be kept (no-store)


class Fetcher:
    """GETs URLs; thread-safe: the only shared state is the cache files and
    the credentials learnt per host, which a lock guards."""

    def __init__(
        self,
        cache_dir: Path | None,
        timeout: float,
        retries: int,
        backoff: float = 0.2,
        assumed_max_age: int = 600,
        request_seconds: float | None = None,  # None: request_seconds()
    ) -> None:
        self.cache_dir = cache_dir
        # A response that says nothing about caching (some mirrors send no
        # Cache-Control, ETag or Last-Modified) is taken as fresh this long:
        # PyPI's own pages say max-age=600.
        self.assumed_max_age = assumed_max_age
        self.timeout = timeout  # one connect or read
        # One request, retries included (InputError for a bad setting).
        self.request_seconds = (
            _request_seconds() if request_seconds is None else request_seconds
        )
        self.retries = retries
        self.backoff = backoff
        # Made on the first request: a run the cache answers imports no
        # HTTP client (http.client, ssl, urllib.request: ~15 ms).
        self._transport: Pool | OpenerDirector | None = None
        self._lock = threading.Lock()
        # (scheme, host:port) -> Authorization header value
        self._authorization: dict[tuple[str, str], str] = {}
        self._overall: Budget | None = None  # all requests together
        self._stalls = Stalls()

    def limit_time(self, seconds: float, what: str = "network time budget") -> None:
        """From now, all requests together may take ``seconds``: past that,
        each raises DeadlineExceeded naming ``what``."""
        self._overall = Budget(0, time.monotonic() + seconds, seconds, what)

    def remember_credentials(self, url: str) -> None:
        """Send the credentials in ``url`` to every URL of its origin (same
        scheme, host and port) and nowhere else. The first credentials for
        an origin hold: the configured URLs are remembered first, so a link
        on a page (``https://other:guess@index/...``) cannot replace them."""
        bare, authorization = split_credentials(url)
        if authorization is not None:
            with self._lock:
                self._authorization.setdefault(origin(bare), authorization)

    @staticmethod
    def cache_key(url: str, accept: str) -> str:
        """The name of ``url``'s entry (as ``accept`` asks for it): the same
        with or without credentials in the URL."""
        bare, _ = split_credentials(url)
        return hashlib.sha256(f"{accept}\n{bare}".encode()).hexdigest()

    def get(
        self, url: str, accept: str, limit: int = PAGE_BYTES, *, cached: bool = True
    ) -> Response | None:
        """The body at ``url`` (at most ``limit`` bytes, decompressed);
        None on 404/410; IndexUnavailable otherwise. ``cached=False`` leaves
        the disk cache alone (for answers the caller keeps in its own form)."""
        self.remember_credentials(url)
        key = self.cache_key(url, accept)
        entry = self._load(key) if cached else None
        known = None if entry is None else entry.validators
        if entry is not None and entry.validators.fresh(time.time()):
            return Response(entry.url, entry.body, entry.content_type, True, known)
        answer = self._ask(url, accept, limit, known)
        if isinstance(answer, Validators):  # 304: the entry holds
            assert entry is not None
            self._revalidated(key, entry, answer)
            return Response(entry.url, entry.body, entry.content_type, True, answer)
        if answer is not None and cached and answer.validators is not None:
            validators = answer.validators
            self._store(
                key, Entry(answer.url, answer.content_type, validators, answer.body)
            )
        return answer

    def revalidate(
        self, url: str, accept: str, known: Validators, limit: int = PAGE_BYTES
    ) -> Response | Validators | None:
        """``url``'s answer if it changed since an answer with the validators
        ``known`` (one the caller keeps in its own form; the disk cache is
        neither read nor written), else the validators renewed: ``known``
        while still fresh, else a conditional request's 304. None on 404/410."""
        self.remember_credentials(url)
        if known.fresh(time.time()):
            return known
        return self._ask(url, accept, limit, known)

    def _ask(
        self, url: str, accept: str, limit: int, known: Validators | None
    ) -> Response | Validators | None:
        """One GET, conditional when ``known``: the renewed validators on a
        304, the answer (with its own) on a 200, None on 404/410."""
        headers = {"Accept": accept, "Accept-Encoding": "gzip"}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        try:
            body, final, got = self._send(url, headers, limit, answered=_ANSWERED)
        except _Status as error:
            if error.code == 304 and known is not None:
                return self._validators(error.headers, known) or known
            if error.code in _NOT_FOUND:
                return None
            shown = redact(url)
            raise IndexUnavailable(
                f"HTTP {error.code} {error.reason} from {shown}", url=shown
            ) from error
        content_type = got.get("Content-Type", "")
        return Response(final, body, content_type, False, self._validators(got, None))

    def _validators(
        self, headers: Message, known: Validators | None
    ) -> Validators | None:
        """What ``headers`` (of a 200, or of a 304 to ``known``) say for
        asking again; None when the answer is not to be kept (``no-store``,
        or nothing to revalidate with and no freshness to assume)."""
        control = headers.get("Cache-Control", "").lower()
        if "no-store" in control:
            return None
        etag = headers.get("ETag") or (None if known is None else known.etag)
        modified = headers.get("Last-Modified") or (
            None if known is None else known.last_modified
        )
        max_age = max_age_of(control, headers)
        if max_age is None and known is not None:
            same = (etag, modified) == (known.etag, known.last_modified)
            max_age = known.max_age if same else None
        if etag is None and modified is None and max_age is None:
            if "no-cache" in control or not self.assumed_max_age:
                return None  # could never be reused
            max_age = self.assumed_max_age
        return Validators(etag, modified, time.time(), max_age)

    def post(
        self, url: str, data: bytes, content_type: str, limit: int = PAGE_BYTES
    ) -> bytes:
        """The answer to POSTing ``data`` to ``url``, never cached (HTTP
        caches do not keep POST answers: a caller that may reuse one keeps
        it itself). Retried as a GET is, so only for queries that change
        nothing; any failure is IndexUnavailable."""
        headers = {
            "Content-Type": content_type,
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
        }
        body, _, _ = self._send(url, headers, limit, data=data)
        return body

    def get_range(
        self, url: str, byte_range: str, limit: int = PAGE_BYTES
    ) -> tuple[bytes, int | None]:
        """Part of ``url`` (``byte_range`` as in a Range header, e.g.
        ``0-99`` or ``-4096``) and the whole size, uncached; a server that
        ignores ranges answers with everything (then the size is None)."""
        headers = {"Range": f"bytes={byte_range}", "Accept-Encoding": "identity"}
        body, _, got = self._send(url, headers, limit)
        total = got.get("Content-Range", "").rpartition("/")[2]
        return body, int(total) if total.isdigit() else None

    def open(self, url: str, accept: str, limit: int) -> Opened | None:
        """``url``'s answer with its body still to read (at most ``limit``
        bytes, decoded: see :class:`~accord.index._stream.Opened`), uncached;
        None on 404/410. Failures before the body, retried as any request,
        raise IndexUnavailable; the body itself is never retried."""
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        try:
            return self._request(url, headers, limit, _NOT_FOUND, self._open_stream)
        except _Status:  # only 404/410 come back as one
            return None

    def _send(
        self,
        url: str,
        headers: dict[str, str],
        limit: int,
        answered: frozenset[int] = frozenset(),
        data: bytes | None = None,
    ) -> tuple[bytes, str, Message]:
        """GET ``url`` (POST ``data`` when given) with its origin's credentials,
        retrying what may pass, all within the request's deadline (and the
        fetcher's time budget).

        A status in ``answered`` comes back as the _Status (the caller has
        a meaning for it); any other failure, after the retries, raises
        IndexUnavailable naming the URL without its credentials.
        """

        def send(bare: str, headers: dict[str, str], budget: Budget) -> _Sent:
            return self._open(bare, headers, budget, data)

        return self._request(url, headers, limit, answered, send)

    def _request(
        self,
        url: str,
        headers: dict[str, str],
        limit: int,
        answered: frozenset[int],
        send: Callable[[str, dict[str, str], Budget], _T],
    ) -> _T:
        """:meth:`_send`'s work around ``send`` (one attempt at the URL
        without credentials, with the headers to send and its budget)."""
        self.remember_credentials(url)
        bare, _ = split_credentials(url)
        why = unfetchable(bare)
        if why is not None:  # a page's link may name anything: not asked for
            shown = redact(url)
            raise IndexUnavailable(f"{shown}: {why}; not fetched", url=shown)
        bare = ascii_url(bare)
        headers = {**headers, "User-Agent": "accord"}
        if self._authorization:  # credentials were given for some origin
            with self._lock:
                authorization = self._authorization.get(origin(bare))
            if authorization is not None:
                headers["Authorization"] = authorization
        key = origin(bare)
        self._stalls.check(key, url)
        try:
            answer = self._attempts(url, bare, headers, limit, answered, send)
        except DeadlineExceeded as error:
            if error.what == "request":  # its own deadline, not a budget's
                self._stalls.stalled(key)
            raise
        except (IndexUnavailable, _Status):  # it answered, or cannot be reached
            self._stalls.answered(key)
            raise
        self._stalls.answered(key)
        return answer

    def _attempts(
        self,
        url: str,
        bare: str,
        headers: dict[str, str],
        limit: int,
        answered: frozenset[int],
        send: Callable[[str, dict[str, str], Budget], _T],
    ) -> _T:
        """``_send``'s request and its retries, within the deadline."""
        import http.client

        budget = self._request_budget(url, limit)
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            tries = f" (after {attempt + 1} attempts)" if attempt else ""
            try:
                return send(bare, headers, budget)
            except RedirectRefused as error:  # asking again gives the same
                shown = redact(url)
                raise IndexUnavailable(f"{shown}{error}", url=shown) from None
            except _Status as error:
                if error.code in answered:
                    raise
                if error.code in _RETRY_STATUS and not last:
                    self._sleep(attempt)
                    continue
                raise IndexUnavailable(
                    f"HTTP {error.code} {error.reason} from {redact(url)}{tries}",
                    url=redact(url),
                ) from error
            except (http.client.HTTPException, OSError, UnicodeError) as error:
                if time.monotonic() >= budget.deadline:  # a timeout at it
                    raise budget.exceeded(url) from error
                if not last:
                    self._sleep(attempt)
                    continue
                # One line: a server's own words (a bad status line) may
                # hold line breaks.
                reason = " ".join(str(getattr(error, "reason", None) or error).split())
                if isinstance(error, http.client.BadStatusLine):
                    reason = f"not an HTTP answer: {reason[:80]}"
                raise IndexUnavailable(
                    f"cannot reach {redact(url)}: {reason}{tries}", url=redact(url)
                ) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _request_budget(self, url: str, limit: int) -> Budget:
        """The request's own deadline, or the fetcher's budget if sooner."""
        now = time.monotonic()
        budget = Budget(limit, now + self.request_seconds, self.request_seconds)
        overall = self._overall
        if overall is not None and overall.deadline < budget.deadline:
            if overall.deadline <= now:
                raise overall.exceeded(url)
            budget = overall._replace(limit=limit)
        return budget

    def _open(
        self,
        url: str,
        headers: dict[str, str],
        budget: Budget,
        data: bytes | None = None,
    ) -> _Sent:
        """One GET: through the keep-alive pool, or urllib when a proxy is set
        (the pool speaks to hosts directly). A status not 2xx is a _Status;
        other errors as urllib raises them.

        Through a proxy the deadline is checked between reads (each bounded
        by the timeout), without the pool's watchdog."""
        from accord.index._transport import Pool

        transport = self._chosen_transport()
        if not isinstance(transport, Pool):
            with _proxied(transport, url, headers, budget, self.timeout, data) as got:
                return read_body(got, url, budget), got.geturl(), got.headers
        reply = transport.get(url, headers, budget, data)
        if reply.status >= 300:
            raise _Status(reply.status, reply.reason, reply.headers)
        return reply.body, reply.url, reply.headers

    def _open_stream(self, url: str, headers: dict[str, str], budget: Budget) -> Opened:
        """:meth:`_open` with the body left to read."""
        from accord.index._stream import Opened
        from accord.index._transport import Pool

        transport = self._chosen_transport()
        if not isinstance(transport, Pool):
            got = _proxied(transport, url, headers, budget, self.timeout)
            try:
                return Opened(got, got.geturl(), budget, got.close, url)
            except BaseException:
                got.close()
                raise
        reply = transport.get(url, headers, budget, stream=True)
        if reply.status >= 300 or reply.opened is None:
            raise _Status(reply.status, reply.reason, reply.headers)
        return reply.opened

    def _chosen_transport(self) -> Pool | OpenerDirector:
        from accord.index._transport import transport

        with self._lock:
            if self._transport is None:
                self._transport = transport(self.timeout)
            return self._transport

    def _sleep(self, attempt: int) -> None:
        time.sleep(self.backoff * 2**attempt)

    def _path(self, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / key[:2] / key

    def _load(self, key: str) -> Entry | None:
        path = self._path(key)
        return None if path is None else read_entry(path)

    def _store(self, key: str, entry: Entry) -> None:
        path = self._path(key)
        if path is not None:
            write_entry(path, entry)

    def _revalidated(self, key: str, entry: Entry, renewed: Validators) -> None:
        """A 304 for ``entry``: when it keeps the validators and ``max-age``,
        only the file's time moves (the body is not written again)."""
        path = self._path(key)
        if path is None:
            return
        if renewed[:2] == entry.validators[:2] and renewed[3] == entry.validators[3]:
            with contextlib.suppress(OSError):
                os.utime(path)
                return
        self._store(key, entry._replace(validators=renewed))


def _proxied(
    opener: OpenerDirector,
    url: str,
    headers: dict[str, str],
    budget: Budget,
    timeout: float,
    data: bytes | None = None,
) -> HTTPResponse:
    """urllib's answer through the proxy, open; a _Status if not 2xx."""
    from urllib.error import HTTPError
    from urllib.request import Request

    request = Request(url, data=data, headers=headers)
    remaining = max(0.001, budget.deadline - time.monotonic())
    try:
        answer: HTTPResponse = opener.open(request, timeout=min(timeout, remaining))
        return answer
    except HTTPError as error:
        error.close()
        raise _Status(error.code, error.reason, error.headers) from error
