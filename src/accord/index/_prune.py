"""Pruning the caches that keep one file per entry and would otherwise only
grow: the released metadata (``~/.cache/accord/metadata``) and the relay's
kept pages (``~/.cache/accord/relay-pages``).

An entry not used for :data:`MAX_AGE_DAYS` goes. "Used" is the later of
the file's modification and access times: a read updates the access time
on the usual ``relatime`` mounts (at most once a day, which is all this
needs); where access times are not kept (``noatime``) an entry written that
long ago goes even if it was read since, and is fetched again when next
needed. Each directory is pruned at most once a day, when an entry is
written to it (a run that only reads pays nothing): a ``.pruned`` file's
modification time says when it last was.

Every entry is one file, removed by one ``unlink``: a reader that opened it
reads all of it, and one that comes later finds no entry (a cache miss),
never part of one.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

__all__ = ["MAX_AGE_DAYS", "prune", "prune_daily"]

MAX_AGE_DAYS = 60
_DAY = 24 * 3600.0
_STAMP = ".pruned"


def prune_daily(
    directory: Path, max_age_days: float = MAX_AGE_DAYS, now: float | None = None
) -> int:
    """:func:`prune` ``directory`` unless it was pruned in the last day;
    the number of entries removed. Best effort: errors are passed over."""
    now = time.time() if now is None else now
    stamp = directory / _STAMP
    try:
        if now - stamp.stat().st_mtime < _DAY:
            return 0
    except FileNotFoundError:
        pass
    except OSError:
        return 0
    try:
        stamp.touch()
        os.utime(stamp, (now, now))
    except OSError:
        return 0  # a directory that cannot be written is not pruned either
    return prune(directory, max_age_days, now)


def prune(directory: Path, max_age_days: float, now: float | None = None) -> int:
    """Remove the files under ``directory`` not used for ``max_age_days``
    (and the directories left empty); the number of files removed."""
    cutoff = (time.time() if now is None else now) - max_age_days * _DAY
    removed = 0
    for walked, _, files in os.walk(directory, topdown=False):
        folder = Path(walked)
        before = removed
        for name in files:
            if name == _STAMP and folder == directory:
                continue
            path = folder / name
            try:
                status = path.lstat()
                if max(status.st_atime, status.st_mtime) < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        if folder != directory and removed > before:
            # Fails if anything is left (or was just written) in it; a writer
            # that found it a moment ago and has not written yet loses only
            # that entry (it is fetched again).
            with contextlib.suppress(OSError):
                folder.rmdir()
    return removed
