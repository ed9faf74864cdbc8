"""Open a distro list or repodata file, decompressed by its name's suffix.

Plain, ``.gz``, ``.xz``/``.lzma`` and ``.bz2`` through the standard library;
``.zst`` through the ``zstandard`` package (a dependency of accord: Fedora
publishes ``primary.xml.zst``), else the ``zstd`` command; ``.lz4`` through the
``lz4`` command (apt in Debian's container images keeps its lists so).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, cast

from accord.errors import InputError

__all__ = ["READ_ERRORS", "decompressed", "open_compressed", "sniffed_suffix"]

_TOOLS = {".lz4": "lz4", ".zst": "zstd"}

# What a truncated or mislabelled compressed file raises while it is read.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    lzma.LZMAError,
    zlib.error,
)
try:
    import zstandard
except ImportError:  # pragma: no cover - a dependency, but keep the command path
    zstandard = None  # type: ignore[assignment]
else:
    READ_ERRORS = (*READ_ERRORS, zstandard.ZstdError)


def _through_command(path: Path, tool: str) -> IO[bytes]:
    if (executable := shutil.which(tool)) is None:
        raise InputError(
            f"reading {path.suffix} files needs the {tool} command",
            path=str(path),
            hint=f"install {tool}, or decompress the file first",
        )
    run = subprocess.run(
        [executable, "-dc", str(path)], capture_output=True, check=False
    )
    if run.returncode != 0:
        raise OSError(run.stderr.decode(errors="replace").strip())
    return io.BytesIO(run.stdout)


def decompressed(raw: IO[bytes], suffix: str) -> IO[bytes] | None:
    """``raw`` decompressed as ``suffix`` says, by a library; None when only
    a command can (``.lz4``, or ``.zst`` without ``zstandard``)."""
    # typeshed's GzipFile & co. are BufferedIOBase, not IO[bytes]; the
    # readers below (iterparse, python-debian) only read(), iterate and tell().
    if suffix == ".gz":
        return cast("IO[bytes]", gzip.GzipFile(fileobj=raw, mode="rb"))
    if suffix in {".xz", ".lzma"}:
        return cast("IO[bytes]", lzma.LZMAFile(raw, "rb"))
    if suffix == ".bz2":
        return cast("IO[bytes]", bz2.BZ2File(raw, "rb"))
    if suffix == ".zst" and zstandard is not None:
        reader = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        # The reader has read() but no readline(): buffered, it iterates.
        return cast("IO[bytes]", io.BufferedReader(reader))
    if suffix in _TOOLS:
        return None
    return raw


_MAGIC = (
    (b"\x1f\x8b", ".gz"),
    (b"\xfd7zXZ\x00", ".xz"),
    (b"(\xb5/\xfd", ".zst"),
    (b"BZh", ".bz2"),
)


def sniffed_suffix(head: bytes, suffix: str) -> str:
    """The compression ``head`` (a file's first bytes) shows, else ``suffix``
    if it names none we know, else "" (plain): a server that sends a
    ``.gz`` file with ``Content-Encoding: gzip`` hands over the plain XML."""
    for magic, found in _MAGIC:
        if head.startswith(magic):
            return found
    return suffix if suffix in _TOOLS else ""


def _open(path: Path, stack: ExitStack) -> IO[bytes]:
    if path.suffix in _TOOLS and not path.is_file():
        raise FileNotFoundError(path)
    raw = stack.enter_context(path.open("rb"))
    stream = decompressed(raw, path.suffix)
    if stream is None:
        stream = _through_command(path, _TOOLS[path.suffix])
    return stack.enter_context(stream)


@contextmanager
def open_compressed(path: Path, what: str, hint: str) -> Iterator[IO[bytes]]:
    """``path`` opened for reading, decompressed; a missing, unreadable or
    corrupt file is an InputError naming it (``what``: "apt list")."""
    try:
        with ExitStack() as stack:
            yield _open(path, stack)
    except FileNotFoundError:
        raise InputError(f"no such {what} file", path=str(path), hint=hint) from None
    except READ_ERRORS as exc:
        raise InputError(
            f"cannot read {what}: {exc}",
            path=str(path),
            hint="is the file complete, and compressed as its name says?",
        ) from None
