"""Write a sync's file updates: all or nothing, each file atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.errors import InputError
from accord.files import (
    ConflictError,
    inside,
    read_text,
    signals_deferred,
    write_atomic,
)
from accord.sync.plan import FileUpdate

# The name this module has always raised; a conflict is a ConflictError.
ConcurrentEditError = ConflictError


def write_updates(root: Path, updates: Sequence[FileUpdate]) -> None:
    """Write every update under ``root``, or none of them.

    Each path must lead inside ``root`` once symlinks are followed (an
    in-project link is kept and its target written); each file must still
    hold the text sync read, checked again right before its rename.
    """
    # Check every file first, so a refusal leaves all of them as they were.
    # (A requirements file may start with a byte-order mark, read as it was.)
    updates, targets, names = _by_target(root, updates)
    for update, target, name in zip(updates, targets, names, strict=True):
        if read_text(target, name, bom=True) != update.old_text:
            raise ConflictError(
                "changed while accord was syncing; nothing was written, run sync again",
                path=name,
            )
    written: list[tuple[FileUpdate, Path]] = []
    with signals_deferred():
        try:
            for update, target in zip(updates, targets, strict=True):
                write_atomic(target, update.new_text, expected=update.old_text)
                written.append((update, target))
        except BaseException:
            for update, target in written:  # put back what was already replaced
                write_atomic(target, update.old_text, expected=update.new_text)
            raise


def _by_target(
    root: Path, updates: Sequence[FileUpdate]
) -> tuple[list[FileUpdate], list[Path], list[str]]:
    """Each update with the real file it writes, once per file.

    Two paths may be one file (``test-requirements.txt`` a link to
    ``requirements.txt``): sync planned the same edits for both, so it is
    written once; different edits for one file are refused.
    """
    kept: dict[Path, tuple[FileUpdate, str]] = {}
    for update in updates:
        name = str(root / update.path)
        target = inside(root, update.path, name)
        if target in kept and kept[target][0].new_text != update.new_text:
            raise InputError(
                f"is the same file as {kept[target][1]}, and sync would edit "
                "them differently; nothing was written",
                path=name,
                hint="replace the symbolic link with a file",
            )
        kept.setdefault(target, (update, name))
    return (
        [update for update, _ in kept.values()],
        list(kept),
        [name for _, name in kept.values()],
    )
