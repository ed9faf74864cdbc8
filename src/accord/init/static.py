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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_sdist_filename
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.errors import AccordError
from accord.index.model import DistFile
from accord.index.sdist import SdistMetadata, Unreadable, read_sdist
from accord.init.notes import Note

if TYPE_CHECKING:
    from accord.resolve.failures import FailureGroup

SDIST_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz")
# (name, specifier) -> (sdist bytes, file name, version); Unreadable or
# AccordError if there is none to read
SdistSource = Callable[[str, SpecifierSet], tuple[bytes, str, str]]


@dataclass(frozen=True, slots=True)
class Drafted:
    entries: tuple[SdistMetadata, ...]
    notes: tuple[Note, ...]


def allowed(central: CentralRepo, name: str) -> SpecifierSet:
    """What the global list's entries for ``name`` allow together."""
    specifier = SpecifierSet()
    for entry in central.global_list.entries_for(canonicalize_name(name)):
        specifier &= entry.requirement.specifier
    return specifier


def draft_static(
    central: CentralRepo, names: Sequence[str], source: SdistSource
) -> Drafted:
    """An entry per library whose sdist has usable static metadata, and a
    note per library (drafted, to verify, or not drafted and why)."""
    entries: list[SdistMetadata] = []
    notes: list[Note] = []
    for name in sorted(dict.fromkeys(names), key=canonicalize_name):
        try:
            data, filename, version = source(name, allowed(central, name))
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
            f"# Drafted by `accord init` from {entry.source}: {trust}",
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


def newest_sdist(files: Sequence[DistFile], specifier: SpecifierSet) -> DistFile | None:
    """The sdist of the newest release ``specifier`` allows (not yanked;
    a final release over a pre-release, as installers choose)."""
    candidates = [
        f
        for f in files
        if not f.is_wheel
        and f.yanked is None
        and f.version is not None
        and f.filename.endswith(SDIST_SUFFIXES)
        and specifier.contains(f.version, prereleases=True)
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

    def fetch(name: str, specifier: SpecifierSet) -> tuple[bytes, str, str]:
        page = client.project(name)
        file = newest_sdist(page.files, specifier)
        if file is None or file.version is None:
            raise Unreadable(f"no sdist on the index that {specifier or 'any'} allows")
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

    def fetch(name: str, specifier: SpecifierSet) -> tuple[bytes, str, str]:
        wanted = canonicalize_name(name)
        found: list[tuple[Version, Path]] = []
        for directory in directories:
            if not directory.is_dir():
                continue
            for path in sorted(directory.iterdir()):
                version = _sdist_version(path.name, wanted)
                if version is not None and specifier.contains(version, True):
                    found.append((version, path))
        finals = [item for item in found if not item[0].is_prerelease]
        if not found:
            raise Unreadable(
                f"no sdist in --find-links that {specifier or 'any'} allows"
            )
        version, path = max(finals or found)
        try:
            if path.stat().st_size > limit:
                raise Unreadable(_too_large(path.name, limit))
            return path.read_bytes(), path.name, str(version)
        except OSError as error:
            raise Unreadable(f"{path}: cannot read it: {error.strerror}") from None

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

    def fetch(name: str, specifier: SpecifierSet) -> tuple[bytes, str, str]:
        if settings.find_links:
            try:
                return links(name, specifier)
            except Unreadable:
                if remote is None:
                    raise
        if remote is None:
            raise Unreadable(unusable)
        return remote(name, specifier)

    return fetch


def no_wheel_names(failures: Sequence[FailureGroup]) -> tuple[str, ...]:
    """The libraries with no wheel, if that is every failure's cause."""
    names: list[str] = []
    for failure in failures:
        if not failure.no_wheel:
            return ()
        names += failure.no_wheel
    return tuple(dict.fromkeys(names))
