"""Bounds on what an index may make accord read: size, time, depth.

A hostile or broken index must not exhaust memory or hang a run: bodies are
read in chunks and stop at a cap (after decompression, so a gzip bomb stops
there too), every request has a deadline for its whole answer (a server
trickling one byte a second is cut off), and JSON nested deeper than any
index document is refused before it is parsed.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import os
import threading
import time
import zlib
from collections.abc import Generator, Iterator
from email.message import Message
from typing import Any, NamedTuple, Protocol

from accord.index._errors import (
    DeadlineExceeded,
    IndexUnavailable,
    ResponseTooLarge,
    redact,
)

PAGE_BYTES = 128 << 20  # PyPI's largest project pages are a few tens of MB
FILE_BYTES = 1 << 30  # a distribution the relay passes to uv
METADATA_BYTES = 8 << 20  # core metadata (with its long description)
SDIST_BYTES = 64 << 20  # an sdist init reads PKG-INFO from (never builds)
JSON_DEPTH = 32  # simple-API and JSON-API documents nest five deep
REQUEST_SECONDS = 300.0  # one request, from connecting to its last byte
TIMEOUT_VARIABLE = "ACCORD_INDEX_TIMEOUT"  # REQUEST_SECONDS, set otherwise
_CHUNK = 64 * 1024
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


def request_seconds() -> float:
    """How long one request may take: ``$ACCORD_INDEX_TIMEOUT`` seconds if
    set (a run against an index known to be slow or to stall), else
    REQUEST_SECONDS; InputError for a value that is no such number."""
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return REQUEST_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds < math.inf):
        from accord.errors import InputError

        raise InputError(
            f"{TIMEOUT_VARIABLE}={text!r} is not a number of seconds above 0"
        )
    return seconds


STALLS = 3  # requests in a row to one origin out of time: the run gives up on it


class Stalls:
    """The origins whose requests ran out of time, each in a row with no
    answer between: at STALLS, the rest of the run does not wait on that
    origin (a dripping index would hold a run a request's time per page).
    Thread-safe."""

    def __init__(self) -> None:
        self._count: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def check(self, key: tuple[str, str], url: str) -> None:
        """IndexUnavailable, without a request, if ``key`` stalled too often."""
        count = self._count.get(key, 0)
        if count >= STALLS:
            shown = redact(url)
            raise IndexUnavailable(
                f"{shown}: not asked: {count} requests to {key[1]} ran out of "
                "time in this run",
                url=shown,
            )

    def stalled(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._count[key] = self._count.get(key, 0) + 1

    def answered(self, key: tuple[str, str]) -> None:
        if self._count:  # the usual run has none: no lock taken
            with self._lock:
                self._count.pop(key, None)


class Budget(NamedTuple):
    """What one request may take: bytes (decoded) and time (overall)."""

    limit: int
    deadline: float  # a time.monotonic() value
    seconds: float  # the time allowed, as the user knows it
    what: str = "request"  # whose time: the request's, or a whole command's

    def exceeded(self, url: str) -> DeadlineExceeded:
        return DeadlineExceeded(url, self.seconds, self.what)


class Body(Protocol):
    """What read_body needs of an http.client response."""

    def read1(self, n: int = -1) -> bytes: ...
    @property
    def headers(self) -> Message: ...


def read_body(response: Body, url: str, budget: Budget) -> bytes:
    """The body of ``response``, decoded (gzip, deflate), at most
    ``budget.limit`` bytes, read before ``budget.deadline``.

    ResponseTooLarge past the cap, DeadlineExceeded past the deadline,
    IndexUnavailable for an encoding accord did not ask for.
    """
    return b"".join(body_chunks(response, url, budget))


def body_chunks(response: Body, url: str, budget: Budget) -> Iterator[bytes]:
    """:func:`read_body`'s body as it arrives, in pieces of at most 64 KiB,
    with the same checks: a failure comes after the pieces read before it."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder: Any = zlib.decompressobj(wbits=47)  # zlib or gzip header
    elif encoding == "identity":
        decoder = None
    else:
        shown = redact(url)
        raise IndexUnavailable(
            f"{shown}: unsupported Content-Encoding {encoding!r}", url=shown
        )
    limit = budget.limit
    declared_length(response, url, limit)
    size = raw = 0
    while True:
        if time.monotonic() > budget.deadline:
            raise budget.exceeded(url)
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        raw += len(chunk)
        if raw > limit:
            raise ResponseTooLarge(url, limit)
        if decoder is None:
            yield chunk
            continue
        size = yield from _inflated(decoder, chunk, size, limit, url)
    if decoder is not None:
        if not decoder.eof:
            shown = redact(url)
            raise IndexUnavailable(f"{shown}: truncated {encoding} body", url=shown)
        if tail := decoder.flush():
            yield tail


def declared_length(response: Body, url: str, limit: int) -> int | None:
    """The body's length as ``response`` declares it, when that is the
    length read (no Content-Encoding); ResponseTooLarge, before a byte is
    read, if it is over ``limit``."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    declared = response.headers.get("Content-Length") or ""
    if encoding != "identity" or not declared.isdigit():
        return None
    if int(declared) > limit:
        raise ResponseTooLarge(url, limit)
    return int(declared)


def _inflated(
    decoder: Any, data: bytes, size: int, limit: int, url: str
) -> Generator[bytes, None, int]:
    """What ``data`` inflates to (after ``size`` bytes), in pieces of at most
    64 KiB, never past the cap; returns the size then."""
    try:
        while not decoder.eof:
            given = len(data)
            piece = decoder.decompress(data, _CHUNK)
            data = decoder.unconsumed_tail
            if not piece and (not data or len(data) == given):
                break  # all fed, nothing held back
            size += len(piece)
            if size > limit:
                raise ResponseTooLarge(url, limit, "decompressed response")
            if piece:
                yield piece
    except zlib.error as error:
        shown = redact(url)
        raise IndexUnavailable(
            f"{shown}: bad compressed body: {error}", url=shown
        ) from error
    return size


def loads(body: bytes | str, max_depth: int = JSON_DEPTH) -> Any:
    """``json.loads`` that refuses documents nested deeper than ``max_depth``
    (ValueError, as for any malformed document) instead of recursing."""
    data = body.encode() if isinstance(body, str) else body
    if depth(data) > max_depth:
        raise ValueError(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(data)
    except RecursionError as error:  # pragma: no cover - depth() stops it first
        raise ValueError("JSON nested too deeply") from error


def depth(data: bytes) -> int:
    """How deep the arrays and objects of a JSON document nest (at C speed:
    strings dropped, brackets kept as +1/-1 steps, the running sum's top)."""
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])  # between strings
    brackets = outside.translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    steps = array.array("b", brackets.translate(_DEPTH_STEP))
    return max(itertools.accumulate(steps))
