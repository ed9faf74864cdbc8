"""Writing the site: a file is rewritten only when its bytes change.

A second build of an unchanged fleet so leaves every file, and its mtime, as
it was: a static host or rsync sees nothing new. Each write is atomic
(:func:`accord.files.write_atomic`). The files one build wrote are listed in a
manifest, so the next build removes the pages of a project or library that
has gone, and never anything it did not write itself.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from accord.errors import InputError
from accord.files import write_atomic

MANIFEST = ".accord-site"


class UnsafePathError(InputError):
    """A page path that would leave the output directory."""


@dataclass(slots=True)
class SiteWriter:
    """Writes pages under ``out``; counts what it wrote and what it kept."""

    out: Path
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def write(self, relative: str, text: str) -> None:
        target = self.out / _checked(relative)
        self._seen.add(relative)
        data = text.encode("utf-8")
        with contextlib.suppress(OSError):
            if target.is_file() and target.read_bytes() == data:
                self.kept.append(relative)
                return
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
        self.written.append(relative)

    def finish(self) -> None:
        """Remove what the last build wrote and this one did not; list this
        build's files for the next."""
        manifest = self.out / MANIFEST
        self._seen.add(MANIFEST)
        previous: list[str] = []
        with contextlib.suppress(OSError, UnicodeDecodeError):
            previous = manifest.read_text("utf-8").splitlines()
        for relative in previous:
            if relative in self._seen or not relative:
                continue
            try:
                path = self.out / _checked(relative)
            except UnsafePathError:
                continue  # a manifest edited by hand: not ours to follow
            if path.is_file() and not path.is_symlink():
                path.unlink()
                self.removed.append(relative)
        self.write(MANIFEST, "".join(f"{p}\n" for p in sorted(self._seen)))


def _checked(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise UnsafePathError(f"refusing to write outside the site: {relative!r}")
    return path
