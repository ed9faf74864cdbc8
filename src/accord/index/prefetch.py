"""Fetch, ahead of uv, what its resolutions are about to ask the relay for.

uv discovers a resolution's packages layer by layer: a page, then the chosen
version's metadata, then the pages of its dependencies. Each layer waits on
round trips. The prefetch walks the same graph in parallel threads, for
every Python at once, guessing uv's choice the way uv makes it when nothing
forces otherwise: the preferred (previously pinned) version if it is
allowed, else the newest allowed final release with a file for that Python.
A wrong guess costs a fetch nobody reads; a right one saves uv a round trip,
since the relay fetches each URL once and uv's request joins it.
"""

from __future__ import annotations

import contextlib
import email.parser
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags, parse_tag
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.index.relay import Listed, Relay, Reply

_WHEEL_SUFFIX = ".whl"
_SDIST_SUFFIXES = (".tar.gz", ".zip")


@dataclass(frozen=True, slots=True)
class Want:
    """What one resolution will be asked: its Python and its inputs."""

    python: str  # "3.12"
    requirements: tuple[str, ...]
    constraints: tuple[str, ...] = ()
    preferences: tuple[str, ...] = ()  # "name==version"


class Prefetch:
    """Walks the likely resolution graph of ``wants`` through ``relay``.

    ``start()`` returns at once; ``stop()`` drops what is still queued.
    """

    def __init__(
        self, relay: Relay, wants: Sequence[Want], platform: str, workers: int = 16
    ) -> None:
        self.relay = relay
        self.platform = platform
        self._wants = tuple(wants)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="accord-prefetch")
        self._lock = threading.Lock()
        self._seen: set[tuple[NormalizedName, str]] = set()
        self._limits: dict[str, dict[NormalizedName, SpecifierSet]] = {}
        self._preferred: dict[str, dict[NormalizedName, Version]] = {}
        self._catalogs: dict[NormalizedName, Catalog] = {}
        self._stopped = False

    def start(self) -> None:
        for want in self._wants:
            self._limits[want.python] = _limits(want.constraints)
            self._preferred[want.python] = _preferences(want.preferences)
        for want in self._wants:
            for line in want.requirements:
                requirement = _requirement(line)
                if requirement is not None and _applies(requirement, want.python):
                    self._queue(requirement, want.python)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _queue(self, requirement: Requirement, python: str) -> None:
        name = canonicalize_name(requirement.name)
        with self._lock:
            if self._stopped or (name, python) in self._seen:
                return
            self._seen.add((name, python))
        with contextlib.suppress(RuntimeError):  # stopped meanwhile
            self._pool.submit(self._visit, name, requirement, python)

    def _catalog(self, name: NormalizedName, page: Reply) -> Catalog:
        # Every Python visits the same page: sort its files out once.
        with self._lock:
            found = self._catalogs.get(name)
        if found is None:
            found = catalog(self.relay.listing(page))
            with self._lock:
                self._catalogs[name] = found
        return found

    def _visit(
        self, name: NormalizedName, requirement: Requirement, python: str
    ) -> None:
        page = self.relay.page(0, name)
        if page.status != 200:
            return
        allowed = requirement.specifier & self._limits[python].get(name, SpecifierSet())
        wheel = choose_wheel(
            self._catalog(name, page),
            self.relay.listed,
            allowed,
            self._preferred[python].get(name),
            python,
            wheel_tags(python, self.platform),
        )
        if wheel is None:
            return  # an sdist: uv downloads it itself
        metadata = self.relay.file(wheel.path + ".metadata")
        if metadata.status != 200:
            return
        for dependency in dependencies(metadata.body, python, requirement.extras):
            self._queue(dependency, python)


Entry = Listed | Mapping[str, Any]  # see Relay.listing
Catalog = tuple[tuple[Version, tuple[Entry, ...]], ...]


def catalog(entries: Iterable[Entry]) -> Catalog:
    """A page's files that are not yanked, by version, newest first."""
    by_text: dict[str, list[Entry]] = {}
    for entry in entries:
        if isinstance(entry, Listed):
            filename, yanked = entry.filename, entry.yanked
        else:
            filename = str(entry.get("filename", ""))
            yanked = entry.get("yanked") not in (None, False)
        text = None if yanked else _version_text(filename)
        if text is not None:
            by_text.setdefault(text, []).append(entry)
    versions = []
    for text, grouped in by_text.items():
        version = _version(text)
        if version is not None:
            versions.append((version, tuple(grouped)))
    versions.sort(key=lambda item: item[0], reverse=True)
    return tuple(versions)


def choose_wheel(
    versions: Catalog,
    read: Callable[[Entry], Listed | None],
    allowed: SpecifierSet,
    preferred: Version | None,
    python: str,
    tags: Mapping[Tag, int],
) -> Listed | None:
    """The wheel whose metadata uv will most likely read.

    ``read`` turns a catalog entry into a :class:`Listed` (only the few
    entries looked at closely are read). None when the likely version has no
    wheel for this Python (uv then builds or reads the sdist) or nothing is
    allowed.
    """
    candidates = [
        item for item in versions if allowed.contains(item[0], prereleases=True)
    ]
    finals = [item for item in candidates if not item[0].is_prerelease]
    ordered = finals or candidates  # uv takes pre-releases only if nothing else
    if preferred is not None:
        ordered = sorted(ordered, key=lambda item: item[0] != preferred)
    full = f"{python}.0"
    for _, entries in ordered:
        usable = [
            f
            for f in map(read, entries)
            if f is not None
            and (f.requires_python is None or _admits(f.requires_python, full))
        ]
        if not usable:
            continue
        ranked = [
            (rank, file)
            for file in usable
            if file.filename.endswith(_WHEEL_SUFFIX)
            and (rank := _best_rank(file.filename, tags)) is not None
        ]
        if not ranked:
            return None
        return min(ranked, key=lambda item: item[0])[1]
    return None


def dependencies(
    metadata: bytes, python: str, extras: Iterable[str] = ()
) -> list[Requirement]:
    """The Requires-Dist entries of ``metadata`` that apply on ``python``."""
    message = email.parser.BytesHeaderParser().parsebytes(metadata)
    found = []
    for line in message.get_all("Requires-Dist") or ():
        requirement = _requirement(str(line))
        if requirement is None:
            continue
        marker = requirement.marker
        if marker is None or any(
            _evaluate(marker, python, extra) for extra in ("", *extras)
        ):
            found.append(requirement)
    return found


@lru_cache(maxsize=32)
def wheel_tags(python: str, platform: str) -> Mapping[Tag, int]:
    """Tags a wheel may carry for ``python`` on ``platform``, best first.

    Linux x86_64 (uv's ``linux``) is the target it knows; for any other
    platform only pure-Python wheels are guessed.
    """
    major, minor = (int(part) for part in python.split(".")[:2])
    platforms: list[str] = []
    if platform == "linux" or platform.startswith(
        ("x86_64-manylinux", "x86_64-unknown-linux")
    ):
        platforms = [f"manylinux_2_{glibc}_x86_64" for glibc in range(28, 4, -1)]
        platforms += [
            "manylinux2014_x86_64",
            "manylinux2010_x86_64",
            "manylinux1_x86_64",
            "linux_x86_64",
        ]
    order = [
        *cpython_tags((major, minor), platforms=platforms),
        *compatible_tags((major, minor), f"cp{major}{minor}", platforms),
    ]
    ranks: dict[Tag, int] = {}
    for rank, tag in enumerate(order):
        ranks.setdefault(tag, rank)
    return ranks


def _best_rank(filename: str, tags: Mapping[Tag, int]) -> int | None:
    parts = filename[: -len(_WHEEL_SUFFIX)].split("-")
    if len(parts) not in (5, 6):
        return None
    try:
        found = parse_tag("-".join(parts[-3:]))
    except ValueError:
        return None
    ranks = [tags[tag] for tag in found if tag in tags]
    return min(ranks) if ranks else None


def _version_text(filename: str) -> str | None:
    if filename.endswith(_WHEEL_SUFFIX):
        parts = filename.split("-")
        return parts[1] if len(parts) >= 5 else None
    for suffix in _SDIST_SUFFIXES:
        if filename.endswith(suffix):
            stem = filename[: -len(suffix)]
            return stem.rpartition("-")[2] or None
    return None


@lru_cache(maxsize=65536)
def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


@lru_cache(maxsize=4096)
def _admits(requires_python: str, full_version: str) -> bool:
    try:
        return SpecifierSet(requires_python).contains(full_version, prereleases=True)
    except InvalidSpecifier:
        return True  # uv ignores what it cannot read; so does the guess


@lru_cache(maxsize=65536)
def _requirement(line: str) -> Requirement | None:
    try:
        return Requirement(line)
    except InvalidRequirement:
        return None


def _evaluate(marker: Marker, python: str, extra: str) -> bool:
    environment = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "extra": extra,
    }
    try:
        return marker.evaluate(environment)
    except Exception:  # an odd marker only spoils a guess
        return False


def _applies(requirement: Requirement, python: str) -> bool:
    return requirement.marker is None or _evaluate(requirement.marker, python, "")


def _limits(lines: Iterable[str]) -> dict[NormalizedName, SpecifierSet]:
    limits: dict[NormalizedName, SpecifierSet] = {}
    for line in lines:
        requirement = _requirement(line)
        if requirement is not None:
            name = canonicalize_name(requirement.name)
            limits[name] = limits.get(name, SpecifierSet()) & requirement.specifier
    return limits


def _preferences(lines: Iterable[str]) -> dict[NormalizedName, Version]:
    preferred: dict[NormalizedName, Version] = {}
    for line in lines:
        name, separator, text = line.partition("==")
        version = _version(text.strip()) if separator else None
        if version is not None:
            preferred[canonicalize_name(name.strip())] = version
    return preferred
