"""HTTP GET (sent, with retries and within deadlines, as
:mod:`accord.index._sender` sends it) and an on-disk cache that revalidates.

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
import time
from email.message import Message
from pathlib import Path
from typing import NamedTuple

from accord.index._cache import (
    Entry,
    Validators,
    max_age_of,
    read_entry,
    write_cache_file,
    write_entry,
)
from accord.index._errors import IndexUnavailable, redact
from accord.index._limits import PAGE_BYTES
from accord.index._sender import NOT_FOUND, Sender, Status
from accord.index._urls import split_credentials

__all__ = [
    "Fetcher",
    "IndexUnavailable",
    "Response",
    "Validators",
    "redact",
    "write_cache_file",
]

_ANSWERED = NOT_FOUND | {304}  # statuses get() gives a meaning


class Response(NamedTuple):
    url: str  # after redirects, credentials removed: the base for relative links
    body: bytes
    content_type: str
    from_cache: bool = False
    validators: Validators | None = None  # None: not to be kept (no-store)


class Fetcher(Sender):
    """GETs URLs (sent as :class:`~accord.index._sender.Sender` sends them);
    thread-safe: the only shared state is the cache files and the
    credentials learnt per host, which a lock guards."""

    def __init__(
        self,
        cache_dir: Path | None,
        timeout: float,
        retries: int,
        backoff: float = 0.2,
        assumed_max_age: int = 600,
        request_seconds: float | None = None,  # None: request_seconds()
    ) -> None:
        super().__init__(timeout, retries, backoff, request_seconds)
        self.cache_dir = cache_dir
        # A response that says nothing about caching (some mirrors send no
        # Cache-Control, ETag or Last-Modified) is taken as fresh this long:
        # PyPI's own pages say max-age=600.
        self.assumed_max_age = assumed_max_age

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
        except Status as error:
            if error.code == 304 and known is not None:
                return self._validators(error.headers, known) or known
            if error.code in NOT_FOUND:
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
