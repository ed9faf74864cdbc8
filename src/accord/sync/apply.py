"""Write a sync's file updates: all or nothing, each file atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.errors import AccordError
from accord.files import read_text, write_atomic
from accord.sync.plan import FileUpdate


class ConcurrentEditError(AccordError):
    """A file changed on disk between reading and writing it."""


def write_updates(root: Path, updates: Sequence[FileUpdate]) -> None:
    # Check every file first, so a refusal leaves all of them as they were.
    for update in updates:
        if read_text(root / update.path, update.path) != update.old_text:
            raise ConcurrentEditError(
                f"{update.path} changed while accord was syncing; nothing was "
                "written, run sync again"
            )
    written: list[FileUpdate] = []
    try:
        for update in updates:
            write_atomic(root / update.path, update.new_text)
            written.append(update)
    except BaseException:
        for update in written:  # put back what was already replaced
            write_atomic(root / update.path, update.old_text)
        raise
