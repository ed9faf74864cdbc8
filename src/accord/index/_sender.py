"""How a request is sent: with its origin's credentials (and no other's),
retried while that may pass, within its deadline and the fetcher's time
budget, given up at once on an origin that stalled too often (see
:mod:`accord.index._limits`), through the keep-alive pool or, where the
environment names a proxy, urllib (see :mod:`accord.index._transport`).

:class:`Sender` is what :class:`accord.index._http.Fetcher` builds its
cache on; a status not 2xx is a :class:`Status` to the caller that has a
meaning for it, else an IndexUnavailable naming the URL without its
credentials.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email.message import Message
from typing import TYPE_CHECKING, TypeVar

from accord.index._errors import (
    DeadlineExceeded,
    IndexUnavailable,
    RedirectRefused,
    origin,
    redact,
)
from accord.index._limits import Budget, Stalls, read_body
from accord.index._limits import request_seconds as _request_seconds
from accord.index._urls import ascii_url, split_credentials, unfetchable

if TYPE_CHECKING:
    from http.client import HTTPResponse
    from urllib.request import OpenerDirector

    from accord.index._pool import Pool
    from accord.index._stream import Opened

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
NOT_FOUND = frozenset({404, 410})
Sent = tuple[bytes, str, Message]  # body, URL after redirects, headers
_T = TypeVar("_T")


class Status(Exception):
    """An answer whose status is not 2xx, as :meth:`Sender._open` raises it
    (urllib's HTTPError, through a proxy, is turned into it)."""

    def __init__(self, code: int, reason: str, headers: Message) -> None:
        super().__init__(f"HTTP {code} {reason}")
        self.code = code
        self.reason = reason
        self.headers = headers


class Sender:
    """Sends requests; thread-safe: the credentials learnt per origin are
    guarded by a lock."""

    def __init__(
        self,
        timeout: float,
        retries: int,
        backoff: float = 0.2,
        request_seconds: float | None = None,  # None: request_seconds()
    ) -> None:
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

    def open(self, url: str, accept: str, limit: int) -> Opened | None:
        """``url``'s answer with its body still to read (at most ``limit``
        bytes, decoded: see :class:`~accord.index._stream.Opened`), uncached;
        None on 404/410. Failures before the body, retried as any request,
        raise IndexUnavailable; the body itself is never retried."""
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        try:
            return self._request(url, headers, limit, NOT_FOUND, self._open_stream)
        except Status:  # only 404/410 come back as one
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

        A status in ``answered`` comes back as the Status (the caller has
        a meaning for it); any other failure, after the retries, raises
        IndexUnavailable naming the URL without its credentials.
        """

        def send(bare: str, headers: dict[str, str], budget: Budget) -> Sent:
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
        except (IndexUnavailable, Status):  # it answered, or cannot be reached
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
            except Status as error:
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
    ) -> Sent:
        """One GET: through the keep-alive pool, or urllib when a proxy is set
        (the pool speaks to hosts directly). A status not 2xx is a Status;
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
            raise Status(reply.status, reply.reason, reply.headers)
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
            raise Status(reply.status, reply.reason, reply.headers)
        return reply.opened

    def _chosen_transport(self) -> Pool | OpenerDirector:
        from accord.index._transport import transport

        with self._lock:
            if self._transport is None:
                self._transport = transport(self.timeout)
            return self._transport

    def _sleep(self, attempt: int) -> None:
        time.sleep(self.backoff * 2**attempt)


def _proxied(
    opener: OpenerDirector,
    url: str,
    headers: dict[str, str],
    budget: Budget,
    timeout: float,
    data: bytes | None = None,
) -> HTTPResponse:
    """urllib's answer through the proxy, open; a Status if not 2xx."""
    from urllib.error import HTTPError
    from urllib.request import Request

    request = Request(url, data=data, headers=headers)
    remaining = max(0.001, budget.deadline - time.monotonic())
    try:
        answer: HTTPResponse = opener.open(request, timeout=min(timeout, remaining))
        return answer
    except HTTPError as error:
        error.close()
        raise Status(error.code, error.reason, error.headers) from error
