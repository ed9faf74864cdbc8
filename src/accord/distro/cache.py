"""The parsed distro index kept on disk (``~/.cache/accord/distro``).

Decompressing and parsing a distro's lists takes seconds; the few thousand
Python entries they yield load in milliseconds.  An entry is named by a hash
of a stamp that changes whenever its input does (the list files' paths,
mtimes and sizes; a repository's primary checksum), so a stale entry is never
read, only left behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from accord.distro.model import DistroPackage, Hit
from accord.files import WriteError, write_atomic

__all__ = ["Index", "cached_index", "file_stamp"]

Index = dict[str, list[Hit]]  # lookup key -> the packages found under it

_FORMAT = 2  # bump when the rows change shape: older entries are then ignored


def file_stamp(path: Path) -> tuple[str, int, int]:
    """``path`` with its mtime and size (zeros when it cannot be read)."""
    try:
        status = path.stat()
    except OSError:
        return (str(path), 0, 0)
    return (str(path), status.st_mtime_ns, status.st_size)


def _rows(index: Index) -> dict[str, list[list[object]]]:
    return {
        key: [
            [h.package.distro, h.package.package, h.package.version,
             h.package.upstream_version, h.package.kind, h.package.family, h.rank]
            for h in hits
        ]
        for key, hits in index.items()
    }  # fmt: skip


def _index(rows: dict[str, list[list[object]]]) -> Index:
    return {
        key: [Hit(DistroPackage(*package), rank) for *package, rank in hits]  # type: ignore[arg-type]
        for key, hits in rows.items()
    }


def cached_index(
    stamp: object, cache_dir: Path | None, build: Callable[[], Index]
) -> Index:
    """The index for ``stamp`` from ``cache_dir``, else ``build()`` kept there.

    A cache that cannot be read or written is only slower.
    """
    if cache_dir is None:
        return build()
    key = json.dumps([_FORMAT, stamp]).encode()
    path = cache_dir / f"{hashlib.sha256(key).hexdigest()}.json"
    try:
        return _index(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        pass
    index = build()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(_rows(index)))
    except (OSError, WriteError):
        pass
    return index
