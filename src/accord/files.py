"""Reading and writing text files: the one place accord touches file bytes.

Reads keep line endings exactly (bytes are decoded, never newline-translated)
and turn every way a file can be unreadable into an :class:`InputError` that
names it. Only regular files are read: a FIFO, a device, a directory, a
dangling link or a link loop is refused, never waited on, and no more than
``max_bytes`` (plus one, to know it is too long) is ever read.

Paths of a project or workspace go through :func:`inside`, which follows
symlinks and refuses anything that ends up outside the tree.

Writes are atomic: a temporary file ``.NAME.PID.XXXXXXXX.accord-tmp`` in the
target's own directory, then a rename, so a reader never sees half a file.
The temporary file is removed on every way out that Python sees, termination
signals wait until it is renamed or removed, and a later write into the same
directory removes such files that a killed run left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from accord._decode import decode, encoding_of
from accord.errors import AccordError, InputError

# Central files are tens of kilobytes; anything this large is the wrong file.
MAX_BYTES = 20 * 1024 * 1024
# Compiled by re when a directory is first swept (never by a check).
_TEMPORARY = r"\..+\.accord-tmp"
_TEMPORARY_PID = r"\.(\d+)\.[a-z0-9_]+\.accord-tmp"
# A temporary file lives for one write (milliseconds). One whose process is
# gone is stale after a minute; any is stale after an hour (its pid may be on
# another machine sharing the directory, or reused).
STALE_AFTER_DEAD = 60.0
STALE_AFTER = 3600.0
# Signals that would end the process between writing and renaming: they wait.
_DEFERRED = tuple(
    getattr(signal, name)
    for name in ("SIGTERM", "SIGINT", "SIGHUP")
    if hasattr(signal, name)
)


class WriteError(AccordError):
    """A file could not be written; it was left as it was."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class ConflictError(WriteError):
    """The file changed on disk after accord read it; it was not overwritten."""


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


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGTERM, SIGINT and SIGHUP wait until the block ends, then take effect.

    Wrapped around a set of writes so that a termination finds every file
    either written or as it was, and no temporary file left behind.
    """
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_atomic(
    path: Path,
    text: str | bytes,
    expected: str | None = None,
    *,
    durable: bool = True,
    sweep: bool = True,
    encoding: str = "utf-8",
) -> None:
    """Replace ``path`` with ``text`` (in ``encoding``, or bytes as they are)
    in one step, keeping its permissions.

    A symlink is kept: its target is written. With ``expected``, the file must
    still hold exactly that text right before the rename, or nothing is
    replaced and :class:`ConflictError` is raised. Failures are
    :class:`WriteError`; the temporary file never outlives the call.

    A writer of many files it can make again (a generated site) may pass
    ``durable=False`` (no fsync: the rename is still atomic, a reader sees the
    old file or the new one, but a crash may lose the new one) and
    ``sweep=False`` having called :func:`remove_stale_temporaries` once per
    directory itself.
    """
    target = path.resolve()
    name = str(path)
    directory = target.parent
    with signals_deferred():
        if sweep:
            remove_stale_temporaries(directory)
        try:
            # A new file gets what open() would give it (0o666 less the
            # umask), not mkstemp's private 0o600: a site's pages, a new
            # repo's files are read by others (a web server, a CI user).
            mode = target.stat().st_mode & 0o7777 if target.exists() else new_mode()
            import tempfile  # only writers pay for it (a check writes nothing)

            handle, temporary = tempfile.mkstemp(
                prefix=f".{target.name}.{os.getpid()}.",
                suffix=".accord-tmp",
                dir=directory,
            )
        except OSError as error:
            raise _write_error(name, error) from error
        try:
            try:
                data = text if isinstance(text, bytes) else text.encode(encoding)
                _write_all(handle, data)
                if durable:
                    os.fsync(handle)
            finally:
                os.close(handle)
            os.chmod(temporary, mode)  # noqa: PTH101 - a str from mkstemp
            if expected is not None:
                _check_unchanged(target, name, expected.encode(encoding))
            Path(temporary).replace(target)
        except BaseException as error:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            if isinstance(error, OSError):
                raise _write_error(name, error) from error
            raise


_UMASK: list[int] = []  # where /proc cannot tell: the umask, read once


def new_mode() -> int:
    """The mode ``open()`` gives a new file: 0o666 less the umask.

    The umask is read from /proc (Linux) where it can be: setting it to read
    it, the only portable way, changes it for a moment for every thread of
    the process (so that is done once, and kept).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123
            mask = int(
                next(ln for ln in status if ln.startswith("Umask:")).split()[1], 8
            )
    except (OSError, StopIteration, IndexError, ValueError):
        if not _UMASK:
            found = os.umask(0o022)
            os.umask(found)
            _UMASK.append(found)
        mask = _UMASK[0]
    return 0o666 & ~mask


def write_pip_file(path: Path, text: str, expected: str | None = None) -> str:
    """:func:`write_atomic` for a requirements or constraints file accord
    rewrites (``text`` as read, changed): in the encoding its byte-order mark
    says (pip reads UTF-8, UTF-16 and UTF-32 by it), and with the mark it
    had, so nothing but the lines changed moves. The text written (as a
    later read gives it back, mark and all)."""
    codec, mark = "utf-8", ""
    with contextlib.suppress(OSError, AccordError):  # a new file: UTF-8
        data = read_bytes(path, str(path))
        codec = encoding_of(data)
        mark = "\ufeff" if codec != "utf-8" or data.startswith(b"\xef\xbb\xbf") else ""
    text = text if text.startswith(mark) else mark + text
    write_atomic(path, text, expected=expected, encoding=codec)
    return text


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _check_unchanged(target: Path, name: str, expected: bytes) -> None:
    try:
        current = read_bytes(target, name)
    except InputError as error:
        raise ConflictError(
            f"changed while accord was writing it ({error.message}); "
            "it was not overwritten",
            path=name,
        ) from error
    if current != expected:
        raise ConflictError(
            "changed on disk after accord read it; it was not overwritten, run again",
            path=name,
        )


def _write_error(name: str, error: OSError) -> WriteError:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied (is the directory read-only?)",
        errno.EPERM: "permission denied (is the directory read-only?)",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return WriteError(f"cannot be written: {reason}; it was left as it was", path=name)


def remove_stale_temporaries(directory: Path, now: float | None = None) -> None:
    """Remove accord's own temporary files that a killed run left in ``directory``.

    Only names of accord's pattern, only regular files, and only when stale:
    their process is gone (and a minute has passed), or an hour has passed.
    A concurrent accord's file is young and its process alive, so it stays.
    """
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if not re.fullmatch(_TEMPORARY, entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        age = now - info.st_mtime
        pid = re.search(_TEMPORARY_PID, entry.name)
        dead = pid is not None and not _alive(int(pid.group(1)))
        if age > STALE_AFTER or (dead and age > STALE_AFTER_DEAD):
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process, or not a pid at all: keep it
    except OSError:
        return True
    return True
