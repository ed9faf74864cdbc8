"""A file the relay passes on to uv while it downloads.

uv downloads a wheel or an sdist whole. The relay reads the index's answer
(bounded as any answer: see :class:`~accord.index._stream.Opened`) on a
thread of its own into a spool, an unlinked temporary file, and every uv
asking for the file meanwhile reads the spool as it fills: the first bytes
reach uv while the rest is on its way, in memory 64 KiB pieces at a time, and
uv runs asking for the same file at once share the one download. The spool
goes when the last reader lets go of the download.

A download that fails part-way (past the size cap with no length declared
up front, broken off, out of time) fails every reader: the relay's server
then cuts uv's connection before the answer's end, which uv reports as an
error (a body shorter than its Content-Length, or a chunked body without its
last chunk), never taking what came as the whole file.
"""

from __future__ import annotations

import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from accord.errors import AccordError
from accord.index.relay._errors import RelayError

if TYPE_CHECKING:
    from accord.index._stream import Opened

_PIECE = 64 * 1024  # read from the spool at a time


class Download:
    """The index's answer for one file, read once, into a spool, from the
    moment it is made; ``done(download)`` runs when it is whole or failed,
    before the readers see its end."""

    def __init__(self, opened: Opened, done: Callable[[Download], None]) -> None:
        self.length = opened.length  # as declared, if known before the body
        self.url = opened.shown
        self.failure: AccordError | None = None
        # Closed when the last reader lets go (finalize), not in a with.
        self._spool = tempfile.TemporaryFile(  # noqa: SIM115
            prefix="accord-relay-", buffering=0
        )
        weakref.finalize(self, self._spool.close)
        self._spool_lock = threading.Lock()  # one position: a seek and its I/O
        self._size = 0
        self._finished = False
        self._changed = threading.Condition()
        self._done = done
        threading.Thread(
            target=self._fetch, args=(opened,), name="accord-download", daemon=True
        ).start()

    @property
    def size(self) -> int:
        """The bytes downloaded so far (all of them once whole)."""
        return self._size

    def _fetch(self, opened: Opened) -> None:
        try:
            for chunk in opened.chunks():
                with self._spool_lock:
                    self._spool.seek(0, 2)
                    view = memoryview(chunk)
                    while view:
                        view = view[self._spool.write(view) or 0 :]
                with self._changed:
                    self._size += len(chunk)
                    self._changed.notify_all()
        except AccordError as error:
            self.failure = error
        except BaseException as error:  # a bug: the readers must not wait on
            self.failure = RelayError(f"{self.url}: {type(error).__name__}")
            raise
        finally:
            opened.close()
            try:  # before any reader sees the end: one asking again then
                self._done(self)  # meets what done() made of it
            finally:
                with self._changed:
                    self._finished = True
                    self._changed.notify_all()

    def chunks(self) -> Iterator[bytes]:
        """The file from its first byte, as it arrives; RelayError (naming
        why) once the download has failed and ``done`` has run, whatever was
        yielded before."""
        offset = 0
        while True:
            with self._changed:
                while offset >= self._size and not self._finished:
                    self._changed.wait()
                size = self._size
                failure = self.failure if self._finished else None
            if failure is not None:
                raise RelayError(str(failure))
            if offset >= size:
                return
            with self._spool_lock:
                self._spool.seek(offset)
                piece = self._spool.read(min(size - offset, _PIECE)) or b""
            if not piece:  # pragma: no cover - the spool holds what it said
                raise RelayError(f"{self.url}: the relay's spool came up short")
            offset += len(piece)
            yield piece

    def whole(self) -> bytes:
        """What the spool holds (the file, once downloaded whole: a small
        one is kept for the run)."""
        with self._spool_lock:
            self._spool.seek(0)
            return self._spool.read(self._size) or b""
