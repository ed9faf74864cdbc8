"""The state of the paths a project's load looked at, as who-uses's cache
(:mod:`accord.usage_cache`) keeps it and checks it: whether any changed."""

from __future__ import annotations

import os
import stat
import struct
from collections.abc import Iterable, Mapping

# A file modified this recently may change again within the same clock tick
# without its size or times moving (git's "racily clean" files): such a
# project is loaded again next time instead of trusted.
RACY_NS = 2_000_000_000
# What is at a path, packed: a tag (1: something), its size, modification
# and change times (the change time moves on every write, even one that
# puts the modification time back) and its inode (a file replaced by
# another); nothing at the path packs as zeros. A project's state is that
# of each of its paths in turn, in hex: a check packs what is there now and
# compares the strings, so a run decodes no number of the cache's.
_PACKED = struct.Struct("<BQqqQ")
_NOTHING = bytes(_PACKED.size)


def probes(
    base: str,
    relatives: Iterable[str],
    since: int,
    needed: Iterable[str] = (),
    known: Mapping[str, os.stat_result | None] | None = None,
) -> tuple[list[str], str] | None:
    """The paths whose state says whether the paths ``relatives`` under
    ``base`` are as they are now, and that state (see :func:`unchanged`):
    each one that exists and each directory on the way to it; for one that
    does not, its nearest directory that does (a file cannot appear in a
    directory without changing its times; this spares an exception a
    missing file). ``""`` is ``base`` itself, recorded as nothing if it
    does not exist. None if a path is a symbolic link (where it leads could
    change without it), changed since ``since`` less :data:`RACY_NS`
    (nanoseconds), or is one of ``needed`` and does not exist. ``known``:
    what a load already found at some of them (lstat, before it read
    them; None: nothing), not looked at again (a state from before a read
    is as safe: a file changed since differs from it next time)."""
    base = base.rstrip("/") or "/"
    found: dict[str, os.stat_result | None] = {}
    looked: set[str] = set()
    limit = since - RACY_NS
    pending = list(relatives)
    while pending:
        relative = pending.pop()
        if relative in looked:
            continue
        looked.add(relative)
        if known is not None and relative in known:
            info = known[relative]
        else:
            try:
                info = os.lstat(f"{base}/{relative}" if relative else base)
            except (OSError, ValueError):
                info = None
        if info is None:
            if relative:
                pending.append(relative.rpartition("/")[0])
            else:
                found[relative] = None
            continue
        changed = max(info.st_mtime_ns, info.st_ctime_ns)
        if stat.S_ISLNK(info.st_mode) or changed >= limit:
            return None
        found[relative] = info
        if relative:  # the directories on the way to it: no link among them
            parent = relative.rpartition("/")[0]
            if parent:
                pending.append(parent)
    if any(found.get(relative) is None for relative in needed):
        return None
    try:
        state = b"".join(map(_pack, found.values())).hex()
    except struct.error:  # a time or size out of range: not kept
        return None
    return list(found), state


def unchanged(base: str, paths: Iterable[str], state: str) -> bool:
    """Whether each of ``paths`` under ``base`` is in the ``state`` that
    :func:`probes` recorded (an exception for what it did not write)."""
    base = base.rstrip("/") or "/"
    lstat, pack = os.lstat, _PACKED.pack  # as _pack, inline: 4,000 calls a run
    packed: list[bytes] = []
    for relative in paths:
        try:
            info = lstat(f"{base}/{relative}" if relative else base)
        except (OSError, ValueError):
            packed.append(_NOTHING)
            continue
        try:
            packed.append(
                pack(1, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            )
        except struct.error:  # out of range: it was not so when recorded
            return False
    return b"".join(packed).hex() == state


def _pack(info: os.stat_result | None) -> bytes:
    if info is None:
        return _NOTHING
    return _PACKED.pack(
        1, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
    )
