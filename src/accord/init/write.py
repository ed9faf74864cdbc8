"""Write the new central files: refuse up front, then each file atomically."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from accord.errors import AccordError, InputError
from accord.files import inside
from accord.writes import signals_deferred, write_atomic


class WouldOverwrite(InputError):
    """Files init would replace: nothing is written (exit 2)."""

    def __init__(self, repo: Path, names: Iterable[str]) -> None:
        self.names = tuple(names)
        super().__init__(
            f"would overwrite {', '.join(self.names)}; nothing was written",
            path=str(repo),
            hint="move them away, or pass --force to replace them",
        )


def refuse_existing(repo: Path, names: Iterable[str], force: bool) -> None:
    """Raise :class:`WouldOverwrite` naming every file that exists already."""
    if repo.exists() and not repo.is_dir():
        raise InputError("is not a directory", path=str(repo))
    if repo.is_dir():
        for name in names:  # a link out (or dangling) is refused, never followed
            if (repo / name).is_symlink():
                inside(repo, name, str(repo / name))
    existing = [
        name for name in names if (repo / name).exists() or (repo / name).is_symlink()
    ]
    if existing and not force:
        raise WouldOverwrite(repo, existing)
    for name in existing:
        if (repo / name).is_dir():
            raise InputError("is a directory, not a file", path=str(repo / name))


class Written:
    """The files init wrote, and how to take them back: a failed run leaves
    every file as it was (a new repo is removed again, a replaced file
    gets its old bytes back)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.names: list[str] = []
        self._before: dict[str, bytes | None] = {}
        self._made: list[Path] = []  # directories created, deepest last

    def make_repo(self) -> None:
        missing = [d for d in (self.repo, *self.repo.parents) if not d.exists()]
        try:
            self.repo.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                f"cannot be created: {error.strerror}", path=str(self.repo)
            ) from error
        self._made = list(reversed(missing))

    def write(self, name: str, text: str) -> None:
        path = self.repo / name
        if name not in self._before:  # written again: undo restores the first
            self._before[name] = path.read_bytes() if path.is_file() else None
        write_atomic(path, text)
        if name not in self.names:
            self.names.append(name)

    def undo(self) -> None:
        with signals_deferred():
            for name in reversed(self.names):
                path, old = self.repo / name, self._before[name]
                with contextlib.suppress(OSError, AccordError):
                    if old is None:
                        path.unlink()
                    else:
                        write_atomic(path, old)
            for directory in reversed(self._made):
                with contextlib.suppress(OSError):
                    directory.rmdir()  # only if empty


def write_files(repo: Path, files: Mapping[str, str]) -> Written:
    """Write each file (name -> text) under ``repo``, creating it; all or
    nothing."""
    written = Written(repo)
    written.make_repo()
    try:
        for name, text in files.items():
            written.write(name, text)
    except BaseException:
        written.undo()
        raise
    return written
