"""Writing the site: a file is rewritten only when its bytes change, and a
page is not even rendered when what it shows has not changed.

A second build of an unchanged fleet so leaves every file, and its mtime, as
it was: a static host or rsync sees nothing new. Each write is atomic
(:func:`accord.writes.write_atomic`; not fsynced: the site is made again by
the next build). The files one build wrote are listed in a manifest, so the
next build removes the pages of a project or library that has gone, and
never anything it did not write itself. The manifest also keeps each page's
key (a digest of the templates and of everything the page shows) with a
digest of the file it wrote: a page whose key is the same and whose file
still has those bytes is kept without rendering it again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from accord.errors import InputError
from accord.writes import remove_stale_temporaries, write_atomic

MANIFEST = ".accord-site"
NAME_MAX = 255  # bytes of one file name: ext4, XFS, btrfs, APFS, NTFS (in UTF-16)


class UnsafePathError(InputError):
    """A page path that would leave the output directory."""


class SiteOutError(InputError):
    """An output directory the site may not write into."""


def check_out(out: Path, requirements: Path, into_existing: bool) -> None:
    """Refuse, before anything is read or written, an ``out`` that is, holds
    or lies inside the requirements repo, and a non-empty one that no build
    made (no manifest) unless ``into_existing``."""
    where, repo = out.resolve(), requirements.resolve()
    relation = None
    if where == repo:
        relation = "is"
    elif repo.is_relative_to(where):
        relation = "holds"
    elif where.is_relative_to(repo):
        relation = "lies inside"
    if relation is not None:
        raise SiteOutError(
            f"argument --out: {out} {relation} the requirements repo "
            f"{requirements}; write the site outside it"
        )
    if into_existing or (out / MANIFEST).is_file():
        return
    try:
        names = sorted(path.name for path in out.iterdir())
    except OSError:
        return  # missing: the build makes it
    if names:
        raise SiteOutError(
            f"argument --out: {out} is not empty ({_some(names)}) and no accord "
            "site build made it; use a new or empty directory, or --into-existing "
            "to build beside its files"
        )


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown if len(names) <= 5 else f"{shown} and {len(names) - 5} more"


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str  # "" for a file written without one
    digest: str  # of the file's bytes


@dataclass(slots=True)
class SiteWriter:
    """Writes pages under ``out``; counts what it wrote and what it kept."""

    out: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    _entries: dict[str, _Entry | None] = field(default_factory=dict)
    _previous: dict[str, _Entry | None] = field(default_factory=dict)
    _swept: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._previous = _read_manifest(self.out / MANIFEST)

    def claim(self, planned: Iterable[str]) -> None:
        """Before writing anything: refuse if a file this build would write is
        in the way and no earlier build wrote it; else list every planned
        file in the manifest first, so a build cut short still owns them."""
        planned = [relative for relative in planned if relative != MANIFEST]
        new = [relative for relative in planned if relative not in self._previous]
        foreign = sorted(
            {found for relative in new for found in self._in_the_way(relative)}
        )
        if foreign:
            raise SiteOutError(
                f"argument --out: {self.out} holds files no accord site build "
                f"wrote, where the site would write ({_some(foreign)}); move them "
                "or pick another directory"
            )
        if new:
            self.out.mkdir(parents=True, exist_ok=True)
            owned = dict(self._previous)
            owned.update((relative, None) for relative in new)
            write_atomic(self.out / MANIFEST, _manifest(owned), durable=False)

    def _in_the_way(self, relative: str) -> Iterator[str]:
        """``relative`` or a parent of it, if it is there (a parent that is
        not a directory)."""
        path = _checked(relative)
        for parent in reversed(path.parents[:-1]):
            target = self.out / parent
            if target.is_symlink() or (target.exists() and not target.is_dir()):
                yield str(parent)
                return
        if os.path.lexists(self.out / path):
            yield relative

    def keep(self, relative: str, key: str) -> bool:
        """Whether the last build wrote a page with this ``key`` at
        ``relative`` and the file still has its bytes: then it is kept, and
        need not be rendered."""
        before = self._previous.get(relative)
        if before is None or before.key != key:
            return False
        try:
            data = (self.out / _checked(relative)).read_bytes()
        except OSError:
            return False
        if _digest(data) != before.digest:
            return False
        self._entries[relative] = before
        self.kept.append(relative)
        return True

    def write(self, relative: str, text: str, key: str = "") -> None:
        target = self.out / _checked(relative)
        data = text.encode("utf-8")
        self._entries[relative] = _Entry(key, _digest(data))
        with contextlib.suppress(OSError):
            if target.is_file() and target.read_bytes() == data:
                self.kept.append(relative)
                return
        if target.parent not in self._swept:  # once per directory
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(target.parent)
            self._swept.add(target.parent)
        write_atomic(target, text, durable=False, sweep=False)
        self.written.append(relative)

    def finish(self) -> None:
        """Remove what the last build wrote and this one did not; list this
        build's files for the next."""
        for relative in self._previous:
            if relative in self._entries or relative in ("", MANIFEST):
                continue
            try:
                path = self.out / _checked(relative)
            except UnsafePathError:
                continue  # a manifest edited by hand: not ours to follow
            if path.is_file() and not path.is_symlink():
                path.unlink()
                self.removed.append(relative)
        text = _manifest(self._entries)
        self._entries[MANIFEST] = None
        self.write(MANIFEST, text)


def _manifest(entries: dict[str, _Entry | None]) -> str:
    lines = []
    for relative in sorted(entries):
        entry = entries[relative]
        if entry is None or not entry.key or "\t" in relative:
            lines.append(f"{relative}\n")
        else:
            lines.append(f"{relative}\t{entry.key}\t{entry.digest}\n")
    return "".join(lines)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _read_manifest(path: Path) -> dict[str, _Entry | None]:
    """The last build's files (and pages' keys); a line without a key, or
    one that does not read, is a file to keep track of, nothing more."""
    entries: dict[str, _Entry | None] = {}
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for line in path.read_text("utf-8").splitlines():
            relative, *rest = line.split("\t")
            entry = None
            if len(rest) == 2:
                entry = _Entry(rest[0], rest[1])
            entries[relative] = entry
    return entries


def _checked(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise UnsafePathError(f"refusing to write outside the site: {relative!r}")
    for part in path.parts:  # claim() checks every page before any is written
        if len(part.encode("utf-8", "surrogateescape")) > NAME_MAX:
            raise UnsafePathError(
                f"cannot write the page {part[:40]!r}... ({len(part)} characters):"
                f" a file name longer than {NAME_MAX} bytes",
                hint="a name in the central files is that long; shorten it",
            )
    return path
