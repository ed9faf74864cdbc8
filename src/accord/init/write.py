"""Write the new central files: refuse up front, then each file atomically."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from accord.errors import InputError
from accord.files import write_atomic


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
    existing = [
        name for name in names if (repo / name).exists() or (repo / name).is_symlink()
    ]
    if existing and not force:
        raise WouldOverwrite(repo, existing)
    for name in existing:
        if (repo / name).is_dir():
            raise InputError("is a directory, not a file", path=str(repo / name))


def write_files(repo: Path, files: Mapping[str, str]) -> list[str]:
    """Write each file (name -> text) under ``repo``, creating it."""
    try:
        repo.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot be created: {error.strerror}", path=str(repo)
        ) from error
    written = []
    for name, text in files.items():
        write_atomic(repo / name, text)
        written.append(name)
    return written
