"""A wheel's METADATA, read out of the archive with its size capped.

A wheel is a zip file, and a zip member can inflate a thousandfold: a
METADATA of a few kilobytes on the wire may claim, or really be, gigabytes.
Reading stops at METADATA_BYTES with ResponseTooLarge, whatever the member's
header says.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO, Any, Protocol

from accord.errors import AccordError
from accord.index._errors import ResponseTooLarge
from accord.index._limits import METADATA_BYTES, PAGE_BYTES


class Ranges(Protocol):
    def get_range(
        self, url: str, byte_range: str, limit: int = ...
    ) -> tuple[bytes, int | None]: ...


def wheel_metadata(
    wheel: IO[bytes] | io.RawIOBase, url: str, limit: int = METADATA_BYTES
) -> bytes | None:
    """The ``*.dist-info/METADATA`` member of ``wheel``; None if it has none
    or is no zip it can read; ResponseTooLarge past ``limit`` bytes inflated."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                head, _, tail = name.partition("/")
                if tail == "METADATA" and head.endswith(".dist-info"):
                    with archive.open(name) as member:
                        body = member.read(limit + 1)
                    if len(body) > limit:
                        raise ResponseTooLarge(url, limit, "METADATA in the wheel")
                    return body
    except AccordError:  # too large, or the index failed reading by ranges
        raise
    except _unreadable():
        return None
    return None


def _unreadable() -> tuple[type[BaseException], ...]:
    """What zipfile raises on an archive it cannot read: a broken one, a
    compression method it lacks (NotImplementedError), an encrypted member
    (RuntimeError), a corrupt stream (zlib's, lzma's or bz2's error).
    Evaluated only when something was raised: lzma is not imported else."""
    import lzma
    import struct
    import zlib

    return (
        zipfile.BadZipFile,
        OSError,
        KeyError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        struct.error,
        zlib.error,
        lzma.LZMAError,
    )


class LocalFile(io.RawIOBase):
    """A wheel on this machine, read as :class:`RemoteFile` reads one: at
    most ``limit`` bytes in all (the central directory of a zip with
    millions of members is not parsed), whatever the file's size."""

    def __init__(self, file: IO[bytes], name: str, limit: int = PAGE_BYTES) -> None:
        super().__init__()
        self.file = file
        self.name = name
        self.limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.file.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.file.seek(offset, whence)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._read + len(view) > self.limit:
            view = view[: max(0, self.limit - self._read + 1)]
        data = self.file.read(len(view))
        self._read += len(data)
        if self._read > self.limit:
            raise ResponseTooLarge(self.name, self.limit, "wheel read")
        view[: len(data)] = data
        return len(data)


class RemoteFile(io.RawIOBase):
    """A wheel on the index, read by ranges: zipfile reads the central
    directory at the end and one member, not the whole file (pip and uv
    read wheels the same way)."""

    _TAIL = 64 * 1024  # the central directory of most wheels fits

    def __init__(self, fetcher: Ranges, url: str, limit: int = PAGE_BYTES) -> None:
        super().__init__()
        self.fetcher = fetcher
        self.url = url
        self.limit = limit  # bytes read from the index, all ranges together
        body, total = fetcher.get_range(url, f"-{self._TAIL}", limit)
        self._read = len(body)
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
            wanted = self._start - self._position
            if self._read + wanted > self.limit:
                raise ResponseTooLarge(self.url, self.limit, "wheel read by ranges")
            body, _ = self.fetcher.get_range(
                self.url, f"{self._position}-{self._start - 1}", wanted
            )
            self._read += len(body)
            self._data = body + self._data
            self._start = self._position
        chunk = self._data[self._position - self._start : end - self._start]
        view[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)
