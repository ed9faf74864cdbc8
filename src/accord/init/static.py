"""Static metadata for libraries with no wheel, drafted from their sdists.

When init's pins fail only because some libraries publish no wheel, each
one's sdist (the newest release the global list allows) is downloaded
under a cap and its PKG-INFO (or pyproject.toml) read, never built: see
:mod:`accord.index.sdist`. Each usable one becomes a ``[[static-metadata]]``
entry in the drafted accord.toml, with a comment saying where it came from,
and the pins are tried once more.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from packaging.markers import (
    InvalidMarker,
    Marker,
    UndefinedComparison,
    UndefinedEnvironmentName,
)
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name, parse_sdist_filename
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.errors import AccordError, InputError
from accord.files import read_bytes
from accord.index.model import DistFile
from accord.index.sdist import SdistMetadata, Unreadable, read_sdist
from accord.init.notes import Note

if TYPE_CHECKING:
    from accord.resolve.failures import FailureGroup

SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz")


class Wanted(NamedTuple):
    """A library's sdist to read: the newest release the global list's
    ``specifier`` allows whose Requires-Python admits ``pythons`` (those
    it failed on)."""

    name: str
    specifier: SpecifierSet
    pythons: tuple[str, ...] = ()

    def describe(self) -> str:
        allows = f" within {self.specifier}" if self.specifier else ""
        on = f" for Python {', '.join(self.pythons)}" if self.pythons else ""
        return f"{allows}{on}"


# Wanted -> (sdist bytes, file name, version); Unreadable or AccordError
# if there is none to read
SdistSource = Callable[[Wanted], tuple[bytes, str, str]]


@dataclass(frozen=True, slots=True)
class Drafted:
    entries: tuple[SdistMetadata, ...]
    notes: tuple[Note, ...]


def allowed(
    central: CentralRepo, name: str, pythons: Sequence[str] = ()
) -> SpecifierSet:
    """What the global list's entries for ``name`` allow together: those
    whose marker holds on one of ``pythons`` (all, if none does)."""
    entries = central.global_list.entries_for(canonicalize_name(name))
    applying = [e for e in entries if _applies(e.requirement.marker, pythons)]
    specifier = SpecifierSet()
    for entry in applying or entries:
        specifier &= entry.requirement.specifier
    return specifier


def _applies(marker: Marker | None, pythons: Sequence[str]) -> bool:
    if marker is None or not pythons:
        return True
    try:
        return any(
            marker.evaluate({"python_version": p, "python_full_version": f"{p}.0"})
            for p in pythons
        )
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return True


def draft_static(
    central: CentralRepo, failed: Mapping[str, Sequence[str]], source: SdistSource
) -> Drafted:
    """An entry per library whose sdist has usable static metadata, and a
    note per library (drafted, to verify, or not drafted and why).
    ``failed``: each library with no wheel, and the Pythons it failed on."""
    entries: list[SdistMetadata] = []
    notes: list[Note] = []
    for name in sorted(failed, key=canonicalize_name):
        pythons = tuple(failed[name])
        wanted = Wanted(name, allowed(central, name, pythons), pythons)
        try:
            data, filename, version = source(wanted)
            found = read_sdist(data, filename, name, version)
        except (Unreadable, AccordError) as error:
            notes.append(
                Note(
                    "static-metadata",
                    name,
                    f"{name}: no [[static-metadata]] drafted: {error}",
                )
            )
            continue
        entries.append(found)
        notes.append(Note("static-metadata", name, _drafted_message(found)))
    return Drafted(tuple(entries), tuple(notes))


def _drafted_message(entry: SdistMetadata) -> str:
    held = f"it holds {entry.name} at {entry.version} until the entry changes"
    if entry.reliable:
        return (
            f"{entry.name} {entry.version}: [[static-metadata]] drafted from "
            f"{entry.source} (static by PEP 643); {held}"
        )
    return (
        f"verify: {entry.name} {entry.version}: [[static-metadata]] drafted "
        f"from {entry.source}, which a build may change: check requires-dist "
        f"and requires-python in accord.toml; {held}"
    )


def render_static(entries: Sequence[SdistMetadata]) -> str:
    """The ``[[static-metadata]]`` tables, each under a comment naming its
    source (JSON strings are TOML basic strings)."""
    blocks = []
    for entry in entries:
        trust = "static by PEP 643" if entry.reliable else "check it"
        lines = [
            f"# Drafted by `accord init` from {_printable(entry.source)}: {trust}",
            "[[static-metadata]]",
            f"name = {json.dumps(entry.name)}",
            f"version = {json.dumps(entry.version)}",
            "requires-dist = ["
            + ", ".join(json.dumps(r) for r in entry.requires_dist)
            + "]",
        ]
        if entry.requires_python:
            lines.append(f"requires-python = {json.dumps(entry.requires_python)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _printable(text: str) -> str:
    """``text`` fit for one comment line: a file name from an index could
    hold a line break that would start a table of its own."""
    return "".join(c if c.isprintable() else "?" for c in text)


def newest_sdist(files: Sequence[DistFile], wanted: Wanted) -> DistFile | None:
    """The sdist of the newest release ``wanted`` allows (not yanked; a
    final release over a pre-release, as installers choose)."""
    specifier = wanted.specifier
    candidates = [
        f
        for f in files
        if not f.is_wheel
        and f.yanked is None
        and f.version is not None
        and f.filename.endswith(SDIST_SUFFIXES)
        and specifier.contains(f.version, prereleases=True)
        and _admits(f.requires_python, wanted.pythons)
    ]
    finals = [f for f in candidates if not f.version or not f.version.is_prerelease]
    pool = finals or candidates
    return max(
        pool, key=lambda f: (f.version, f.filename.endswith(".tar.gz")), default=None
    )


def index_source(index_url: str, limit: int) -> SdistSource:
    """Sdists from the index at ``index_url`` (accord's index client), each
    refused over ``limit`` bytes and checked against the index's sha256."""
    from accord.index._errors import ResponseTooLarge
    from accord.index.client import IndexClient

    client = IndexClient(index_url, pypi_json_url=None)

    def fetch(wanted: Wanted) -> tuple[bytes, str, str]:
        page = client.project(wanted.name)
        file = newest_sdist(page.files, wanted)
        if file is None or file.version is None:
            raise Unreadable(f"no sdist on the index{wanted.describe()}")
        if file.size is not None and file.size > limit:
            raise Unreadable(_too_large(file.filename, limit))
        try:
            response = client.fetcher.get(file.url, "*/*", limit, cached=False)
        except ResponseTooLarge:
            raise Unreadable(_too_large(file.filename, limit)) from None
        if response is None:
            raise Unreadable(f"{file.filename}: the index no longer serves it")
        expected = file.digest("sha256")
        if expected and hashlib.sha256(response.body).hexdigest() != expected:
            raise Unreadable(f"{file.filename}: its sha256 is not the index's")
        return response.body, file.filename, str(file.version)

    return fetch


def links_source(directories: Sequence[Path], limit: int) -> SdistSource:
    """Sdists from local ``--find-links`` directories."""

    def fetch(wanted: Wanted) -> tuple[bytes, str, str]:
        canonical, specifier = canonicalize_name(wanted.name), wanted.specifier
        found: list[tuple[Version, Path]] = []
        for directory in directories:
            if not directory.is_dir():
                continue
            for path in sorted(directory.iterdir()):
                version = _sdist_version(path.name, canonical)
                if version is not None and specifier.contains(version, True):
                    found.append((version, path))
        finals = [item for item in found if not item[0].is_prerelease]
        if not found:
            raise Unreadable(f"no sdist in --find-links{wanted.describe()}")
        version, path = max(finals or found)
        try:  # a regular file only (a FIFO would wait for a writer), capped
            return read_bytes(path, str(path), limit), path.name, str(version)
        except InputError as error:
            raise Unreadable(str(error)) from None

    return fetch


def _sdist_version(filename: str, wanted: str) -> Version | None:
    for suffix in SDIST_SUFFIXES:
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            try:
                name, version = parse_sdist_filename(stem + ".tar.gz")
            except (ValueError, InvalidVersion):
                return None
            return version if name == wanted else None
    return None


def _too_large(filename: str, limit: int) -> str:
    size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit} bytes"
    return f"{filename}: over {size}; not downloaded"


def sdist_source(central: CentralRepo, limit: int) -> SdistSource:
    """Where uv would look: ``--find-links`` directories, then the index
    (unless ``no-index``), as accord.toml's ``[index]`` says."""
    from accord.init.licences import PYPI_SIMPLE

    settings = central.config.resolution.index
    links = links_source([Path(link) for link in settings.find_links], limit)
    if settings.no_index:
        return links
    try:
        remote: SdistSource | None = index_source(settings.url or PYPI_SIMPLE, limit)
        unusable = ""
    except AccordError as error:  # e.g. a file:// index, which uv reads
        remote, unusable = None, f"sdists are read over http(s) only ({error})"

    def fetch(wanted: Wanted) -> tuple[bytes, str, str]:
        if settings.find_links:
            try:
                return links(wanted)
            except Unreadable:
                if remote is None:
                    raise
        if remote is None:
            raise Unreadable(unusable)
        return remote(wanted)

    return fetch


def no_wheel_names(failures: Sequence[FailureGroup]) -> dict[str, list[str]]:
    """The libraries with no wheel and the Pythons each failed on, if that
    is every failure's cause (else none)."""
    found: dict[str, list[str]] = {}
    for failure in failures:
        if not failure.no_wheel:
            return {}
        for name in failure.no_wheel:
            pythons = found.setdefault(name, [])
            pythons += [p for p in failure.pythons if p not in pythons]
    return found


def _admits(requires_python: str | None, pythons: Sequence[str]) -> bool:
    """Whether a file's Requires-Python admits every one of ``pythons``
    (an unreadable one is left to uv)."""
    if not requires_python:
        return True
    try:
        specifier = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return True
    return all(specifier.contains(python, prereleases=True) for python in pythons)
