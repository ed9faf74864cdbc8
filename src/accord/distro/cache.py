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
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from accord.distro.model import DistroPackage, Hit
from accord.writes import WriteError, write_atomic

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


class _Rows(Mapping[str, list[Hit]]):
    """The cached index as read, each key's hits built when it is looked up:
    a review looks up a handful of the thousands of keys, and building them
    all took longer than reading the file."""

    def __init__(self, rows: dict[str, list[list[object]]]) -> None:
        if not isinstance(rows, dict):
            raise TypeError("not a cached index")
        self._rows = rows

    def __getitem__(self, key: str) -> list[Hit]:
        try:
            return [
                Hit(DistroPackage(*package), rank)  # type: ignore[arg-type]
                for *package, rank in self._rows[key]
            ]
        except (TypeError, ValueError):  # an entry edited by hand: no answer
            return []

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def cached_index(
    stamp: object, cache_dir: Path | None, build: Callable[[], Index]
) -> Mapping[str, list[Hit]]:
    """The index for ``stamp`` from ``cache_dir``, else ``build()`` kept there.

    A cache that cannot be read or written is only slower.
    """
    if cache_dir is None:
        return build()
    key = json.dumps([_FORMAT, stamp]).encode()
    path = cache_dir / f"{hashlib.sha256(key).hexdigest()}.json"
    try:
        return _Rows(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        pass
    index = build()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(_rows(index)))
    except (OSError, WriteError):
        pass
    return index
