"""Reading and writing text files: the one place accord touches file bytes.

Reads keep line endings exactly (bytes are decoded, never newline-translated)
and turn every way a file can be unreadable into an :class:`InputError` that
names it. Writes are atomic: a temporary file in the same directory, then a
rename, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from accord.errors import InputError

# Central files are tens of kilobytes; anything this large is the wrong file.
MAX_BYTES = 20 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


def read_text(
    path: Path, display: str | None = None, max_bytes: int = MAX_BYTES
) -> str:
    """The UTF-8 text of ``path``; ``display`` is how messages name it."""
    name = display if display is not None else str(path)
    try:
        if path.is_dir():
            raise InputError("is a directory, expected a file", path=name)
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"is {size / 1024 / 1024:.1f} MB, more than the "
                f"{max_bytes // 1024 // 1024} MB accord reads",
                path=name,
                hint="is this the right file?",
            )
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError("no such file", path=name) from error
    except PermissionError as error:
        raise InputError("cannot be read: permission denied", path=name) from error
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", path=name) from error
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    if data.startswith(_BOM):
        raise InputError(
            "starts with a UTF-8 byte-order mark",
            path=name,
            line=1,
            hint="save it as UTF-8 without a BOM",
        )
    nul = data.find(b"\0")
    if nul != -1:
        raise InputError(
            "contains binary data (a NUL byte), not text",
            path=name,
            line=data.count(b"\n", 0, nul) + 1,
            hint="is this the right file?",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            f"is not valid UTF-8 (byte 0x{data[error.start]:02x} at column {column})",
            path=name,
            line=line,
            hint="re-save it as UTF-8",
        ) from error


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step, keeping its permissions."""
    directory = path.parent
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    import tempfile  # only writers pay for it (a check writes nothing)

    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".accord-tmp", dir=directory
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise
