"""Write a sync's file updates: all or nothing, each file atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord._decode import decode, encoding_of
from accord.errors import InputError
from accord.files import inside, read_bytes
from accord.sync.plan import FileUpdate
from accord.writes import ConflictError, signals_deferred, write_atomic

# The name this module has always raised; a conflict is a ConflictError.
ConcurrentEditError = ConflictError


def write_updates(root: Path, updates: Sequence[FileUpdate]) -> None:
    """Write every update under ``root``, or none of them.

    Each path must lead inside ``root`` once symlinks are followed (an
    in-project link is kept and its target written); each file must still
    hold the text sync read, checked again right before its rename.
    """
    # Check every file first, so a refusal leaves all of them as they were.
    # (A requirements file may start with a byte-order mark, read as it was:
    # it is written back in the encoding the mark says, UTF-16 included.)
    updates, targets, names = _by_target(root, updates)
    codecs = []
    for update, target, name in zip(updates, targets, names, strict=True):
        data = read_bytes(target, name)
        if decode(data, name, bom=True) != update.old_text:
            raise ConflictError(
                "changed while accord was syncing; nothing was written, run sync again",
                path=name,
            )
        codecs.append(encoding_of(data))
    written: list[tuple[FileUpdate, Path, str]] = []
    with signals_deferred():
        try:
            for update, target, codec in zip(updates, targets, codecs, strict=True):
                write_atomic(
                    target, update.new_text, expected=update.old_text, encoding=codec
                )
                written.append((update, target, codec))
        except BaseException:
            for update, target, codec in written:  # put back what was replaced
                write_atomic(
                    target, update.old_text, expected=update.new_text, encoding=codec
                )
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
