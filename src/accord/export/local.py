"""Pinned releases in local ``--find-links`` directories: their files as
``file://`` URLs with the sha256 and size accord computes, and their wheels'
core metadata (read from the archive, never run)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from accord.errors import InputError
from accord.export.model import ArtefactFile

_CHUNK = 1 << 20


class Wheelhouse:
    """The distributions in some local directories, by name and version."""

    def __init__(self, directories: Sequence[Path]) -> None:
        self.directories = tuple(directories)
        self._files: dict[tuple[NormalizedName, Version], list[Path]] = {}
        for directory in self.directories:
            if not directory.is_dir():
                continue
            for path in sorted(directory.iterdir()):
                key = _name_version(path.name)
                if key is not None and path.is_file():
                    self._files.setdefault(key, []).append(path)

    def files(self, name: NormalizedName, version: Version) -> tuple[ArtefactFile, ...]:
        """The release's sdist (the first one) and wheels, as the index
        gives them: the sdist first, then the wheels by name."""
        paths = self._files.get((name, version), [])
        wheels = sorted((p for p in paths if p.name.endswith(".whl")), key=_by_name)
        sdists = sorted((p for p in paths if not p.name.endswith(".whl")), key=_by_name)
        return tuple(_artefact(path) for path in [*sdists[:1], *wheels])

    def wheel(self, name: NormalizedName, version: Version) -> Path | None:
        paths = self._files.get((name, version), [])
        return next((p for p in sorted(paths) if p.name.endswith(".whl")), None)


def _by_name(path: Path) -> str:
    return path.name


def _name_version(filename: str) -> tuple[NormalizedName, Version] | None:
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
            return name, version
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def _artefact(path: Path) -> ArtefactFile:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read it: {error.strerror}", path=str(path)) from error
    return ArtefactFile(
        filename=path.name,
        url=path.resolve().as_uri(),
        sha256=digest.hexdigest(),
        size=size,
        upload_time=None,
        is_wheel=path.name.endswith(".whl"),
    )
