"""Writing files: atomically, so a reader never sees half a file.

A temporary file ``.NAME.PID.XXXXXXXX.accord-tmp`` in the target's own
directory, then a rename. The temporary file is removed on every way out
that Python sees, termination signals wait until it is renamed or removed,
and a later write into the same directory removes such files that a killed
run left behind. Files are read through :mod:`accord.files`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from accord._decode import encoding_of
from accord.errors import AccordError, InputError
from accord.files import read_bytes

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
