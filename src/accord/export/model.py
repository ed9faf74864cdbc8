"""The pinned set as the artefacts describe it: every pin, the Pythons it
applies to, its files on the index with their hashes, and its licence.

Built by :mod:`accord.export.gather` (the only part that does I/O) and
rendered by :mod:`accord.export.pylock`, :mod:`accord.export.cyclonedx`
and :mod:`accord.export.spdx`, which are pure functions of it.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.markers import Marker
from packaging.utils import NormalizedName
from packaging.version import Version


@dataclass(frozen=True, slots=True)
class ArtefactFile:
    """One file of a pinned release on the index."""

    filename: str
    url: str
    sha256: str  # lower-case hex
    size: int | None
    upload_time: datetime.datetime | None  # aware, UTC
    is_wheel: bool


@dataclass(frozen=True, slots=True)
class PinnedPackage:
    """One pin: a library at one version, on the Pythons ``marker`` allows."""

    name: NormalizedName
    version: Version
    marker: Marker | None  # None: every supported Python
    pythons: tuple[str, ...]  # the supported Pythons it applies to
    files: tuple[ArtefactFile, ...]  # the sdist first, then wheels by name
    licence: str | None  # an SPDX expression; None when unknown
    index_url: str | None  # the simple index the files are on; None: local

    @property
    def sdist(self) -> ArtefactFile | None:
        return next((f for f in self.files if not f.is_wheel), None)

    @property
    def wheels(self) -> tuple[ArtefactFile, ...]:
        return tuple(f for f in self.files if f.is_wheel)

    @property
    def primary(self) -> ArtefactFile | None:
        """The file an SBOM names as the package's own: the sdist, else the
        first wheel."""
        return self.sdist or next(iter(self.files), None)

    @property
    def purl(self) -> str:
        """The package URL, ``pkg:pypi/name@version`` (purl's PyPI rules:
        lower case, ``-`` for ``_``: the canonical name)."""
        return f"pkg:pypi/{self.name}@{self.version}"

    @property
    def key(self) -> tuple[str, Version]:
        return (self.name, self.version)


@dataclass(frozen=True, slots=True)
class PinnedSet:
    """The whole pinned set of one requirements repo."""

    name: str  # the requirements repo's name, for the documents' titles
    pythons: tuple[str, ...]  # the supported Pythons, ascending
    platform: str  # what the pins were resolved for (accord.toml platform)
    packages: tuple[PinnedPackage, ...]  # by name, then version
    created: datetime.datetime  # aware, UTC, whole seconds: stable per input
    revision: str | None = None  # the git commit the pins are from, if known


def by_release(packages: Iterable[PinnedPackage]) -> list[tuple[PinnedPackage, ...]]:
    """The pins grouped by release, in order: one library at one version
    pinned under two markers is one SBOM package (one purl)."""
    groups: dict[tuple[str, Version], list[PinnedPackage]] = {}
    for package in packages:
        groups.setdefault(package.key, []).append(package)
    return [tuple(group) for _, group in sorted(groups.items())]


def pythons_of(group: Iterable[PinnedPackage]) -> list[str]:
    """The Pythons any of ``group`` is pinned for, ascending."""
    return sorted({p for pin in group for p in pin.pythons}, key=python_key)


def python_key(python: str) -> tuple[int, ...]:
    """``"3.10"`` as ``(3, 10)``, to sort Pythons as versions."""
    return tuple(int(part) for part in python.split(".") if part.isdigit())


def fingerprint(pinned: PinnedSet) -> uuid.UUID:
    """A UUID that is the same exactly when the pins and their files are:
    the SBOMs' serial number and namespace."""
    digest = hashlib.sha256()
    for part in (pinned.name, pinned.created.isoformat(), *pinned.pythons):
        digest.update(part.encode() + b"\0")
    for package in pinned.packages:
        digest.update(f"{package.purl}\0{package.marker}\0".encode())
        for file in package.files:
            digest.update(f"{file.url}\0{file.sha256}\0".encode())
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:accord:{digest.hexdigest()}")
