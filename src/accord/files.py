"""Reading text files: with :mod:`accord.writes`, the one place accord
touches file bytes.

Reads keep line endings exactly (bytes are decoded, never newline-translated)
and turn every way a file can be unreadable into an :class:`InputError` that
names it. Only regular files are read: a FIFO, a device, a directory, a
dangling link or a link loop is refused, never waited on, and no more than
``max_bytes`` (plus one, to know it is too long) is ever read.

Paths of a project or workspace go through :func:`inside`, which follows
symlinks and refuses anything that ends up outside the tree.

Writes are :mod:`accord.writes`'s.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from accord._decode import decode
from accord.errors import InputError

# Central files are tens of kilobytes; anything this large is the wrong file.
MAX_BYTES = 20 * 1024 * 1024


def inside(
    root: Path,
    relative: str,
    display: str | None = None,
    *,
    resolved_root: Path | None = None,
) -> Path:
    """``root / relative`` with every symlink followed, if it stays in ``root``.

    Refused with an :class:`InputError` naming ``display`` (default
    ``relative``) when it leads outside ``root`` or around a link loop.
    ``resolved_root`` is ``root.resolve()`` when the caller already has it.
    """
    name = display if display is not None else relative
    try:
        base = resolved_root if resolved_root is not None else root.resolve()
        if _without_links(root, relative):
            return base / relative
        target = (root / relative).resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop (3.10-3.12)
        raise InputError("is a symbolic link loop", path=name) from error
    if not target.exists() and (root / relative).is_symlink():
        raise InputError("is a dangling symbolic link", path=name)
    if target != base and not target.is_relative_to(base):
        raise InputError(
            f"leads outside {root} (to {target})",
            path=name,
            hint="accord reads and writes only inside the tree; "
            "replace the symbolic link with a file",
        )
    return target


def read_inside(
    root: Path,
    relative: str,
    display: str | None = None,
    *,
    resolved_root: Path | str | None = None,
    links: Callable[[str], bool] | None = None,
    bom: bool = False,
) -> str:
    """``read_text(inside(root, relative, display, ...), display)``, the
    same text or error, without building a Path when no part of
    ``relative`` is a link (one costs more instructions than opening and
    reading a small file, and who-uses reads thousands). ``resolved_root``
    may be given as text, for the same reason. ``links``: whether a path
    relative to ``root`` is a link, when the caller has looked. ``bom``:
    as :func:`read_text`."""
    name = display if display is not None else relative
    try:
        base = resolved_root if resolved_root is not None else root.resolve()
        direct = _without_links(root, relative, links)
    except (OSError, RuntimeError):  # inside() says what is wrong
        direct = False
    if direct:
        return read_text(f"{str(base).rstrip('/')}/{relative}", name, bom=bom)
    known = None if resolved_root is None else Path(resolved_root)
    target = inside(root, relative, display, resolved_root=known)
    return read_text(target, name, bom=bom)


def _without_links(
    root: Path, relative: str, links: Callable[[str], bool] | None = None
) -> bool:
    """Whether no part of ``relative`` is a link, ``.`` or ``..`` (so
    resolving ``root / relative`` would give the resolved root and
    ``relative``): one ``lstat`` a part (or ``links``, asked each part
    relative to ``root``) instead of resolving the whole path again.
    False: resolve it."""
    parts = relative.split("/")
    if any(part in {"", ".", ".."} for part in parts):
        return False
    if links is not None:
        return not any(
            links("/".join(parts[: index + 1])) for index in range(len(parts))
        )
    current = str(root)
    for part in parts:
        current = f"{current}/{part}"
        if os.path.islink(current):  # noqa: PTH114 - no Path object a part
            return False
    return True


def read_text(
    path: Path | str,
    display: str | None = None,
    max_bytes: int = MAX_BYTES,
    *,
    bom: bool = False,
) -> str:
    """The UTF-8 text of ``path``; ``display`` is how messages name it.
    ``bom``: a UTF-8 byte-order mark is kept as the text's first character
    (a requirements file: pip reads one), not refused."""
    name = display if display is not None else str(path)
    return decode(read_bytes(path, name, max_bytes), name, bom=bom)


# Never block on a FIFO, never take a terminal, never leak into a child.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def read_bytes(path: Path | str, name: str, max_bytes: int = MAX_BYTES) -> bytes:
    """At most ``max_bytes`` of a regular file, or an InputError naming it."""
    try:
        descriptor = os.open(path, _READ_FLAGS)
    except OSError as error:
        raise _read_error(path, name, error) from error
    try:
        info = os.fstat(descriptor)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise InputError(f"is {kind}, not a regular file", path=name)
        if info.st_size > max_bytes:  # known too long before reading a byte
            raise InputError(
                f"is {_size(info.st_size)}, more than the "
                f"{_limit(max_bytes)} accord reads",
                path=name,
                hint="is this the right file?",
            )
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        raise _read_error(path, name, error) from error
    finally:
        os.close(descriptor)
    if remaining <= 0:
        raise InputError(
            f"is larger than the {_limit(max_bytes)} accord reads",
            path=name,
            hint="is this the right file?",
        )
    return b"".join(chunks)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, for a message; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_error(path: Path | str, name: str, error: OSError) -> InputError:
    if error.errno == errno.ENOENT:
        if os.path.islink(path):  # noqa: PTH114 - a str or a Path
            return InputError("is a dangling symbolic link", path=name)
        return InputError("no such file", path=name)
    if error.errno == errno.ELOOP:
        return InputError("is a symbolic link loop", path=name)
    if error.errno == errno.EISDIR:
        return InputError("is a directory, not a regular file", path=name)
    if error.errno in (errno.EACCES, errno.EPERM):
        return InputError("cannot be read: permission denied", path=name)
    return InputError(f"cannot be read: {error.strerror or error}", path=name)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.1f} MB"
    return f"{count} bytes"


def _limit(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // 1024 // 1024} MB"
    return _size(count)
