"""Each URL fetched at most once per relay.

A fetch is keyed by what it is for (``page URL`` or ``file URL``):
concurrent askers wait for the one fetch, or read the one download (see
:mod:`._download`), and its reply stays for the run, but for a reply of over
1 MiB that uv keeps itself (a file or metadata, told immutable) and a page
the relay lets go of (see :meth:`Flights.forget`). A failure stays too, as a
502 whose reason :meth:`Flights.explain` puts back into uv's messages (uv
shows only the status).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import Future

from accord.errors import AccordError
from accord.index._errors import ResponseTooLarge, redact
from accord.index.relay._download import Download
from accord.index.relay._reply import FILE_CACHE, Reply, bad_gateway

_KEEP_AT_MOST = 1024 * 1024
# uv's words for the relay's 502, around the URL it asked (unrelayed).
_BAD_GATEWAY = re.compile(
    r"HTTP status server error \(502 Bad Gateway\) for url \((\S+?)\)"
)


class Flights:
    """The replies fetched, or being fetched, by key; thread-safe.
    ``notice`` hears of a download cut off (uv sees only a broken answer)."""

    def __init__(self, notice: Callable[[str], None]) -> None:
        self._flights: dict[str, Future[Reply]] = {}
        # Why each URL (credentials masked) the relay could not relay failed.
        self._failed: dict[str, str] = {}
        self._lock = threading.Lock()
        self._notice = notice

    def once(self, key: str, fetch: Callable[[], Reply]) -> Reply:
        """``key``'s reply: ``fetch()``'s, unless another asker's fetch of
        it has run or is running; an AccordError is a 502."""
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
                    self.forget(key)
            except AccordError as error:
                self._fail(key, error)
                flight.set_result(bad_gateway(error))
            except BaseException as error:  # the waiters must not hang
                flight.set_exception(error)
                raise
        return flight.result()

    def forget(self, key: str) -> None:
        """Fetch ``key`` again when next asked."""
        with self._lock:
            self._flights.pop(key, None)

    def downloaded(self, key: str, download: Download) -> None:
        """``key``'s download ended: a small file is kept for the run as any
        reply; a large one is not (uv keeps it); a failure is told (uv sees
        only its answer cut off) and kept if asking again would fail the same
        way (past the cap)."""
        with self._lock:
            flight = self._flights.get(key)
        if flight is None or flight.result().stream is not download:
            return
        replacement: Future[Reply] | None = None
        error = download.failure
        if error is not None:
            self._notice(f"the relay cut off the download of {error}")
            self._fail(key, error)
            if isinstance(error, ResponseTooLarge):
                replacement = Future()
                replacement.set_result(bad_gateway(error))
        elif download.size <= _KEEP_AT_MOST:
            replacement = Future()
            replacement.set_result(Reply(200, download.whole()))
        with self._lock:
            if self._flights.get(key) is flight:
                if replacement is None:
                    del self._flights[key]
                else:
                    self._flights[key] = replacement

    def explain(self, text: str) -> str:
        """``text`` (uv's messages, unrelayed) with each "502 Bad Gateway"
        the relay answered as why."""
        if not self._failed:
            return text
        with self._lock:
            failed = dict(self._failed)
        return _BAD_GATEWAY.sub(lambda m: failed.get(m[1], m[0]), text)

    def _fail(self, key: str, error: AccordError) -> None:
        with self._lock:
            self._failed[redact(key.partition(" ")[2])] = str(error)
