"""Gather the pinned set: the pins of ``upper-constraints.txt``, the files of
each pinned release from the first source that has it (the index, extra
indexes: PEP 691 URLs, hashes, sizes, upload times; then local
``--find-links`` directories), and each library's licence.

The licence is the global list's licence comment read as SPDX by accord's
licence normaliser (with ``[licenses.aliases]``): the reviewed one. A pin
the list does not name (a library pulled in by another), or whose comment
accord does not recognise, gets the licence its pinned release's core
metadata declares, if that reads as SPDX.
"""

from __future__ import annotations

import datetime
import os
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import InvalidMarker, Marker
from packaging.utils import NormalizedName
from packaging.version import Version

from accord.central import UPPER_CONSTRAINTS, CentralRepo
from accord.errors import AccordError, InputError
from accord.export.local import Wheelhouse
from accord.export.model import ArtefactFile, PinnedPackage, PinnedSet, python_key
from accord.index._urls import unfetchable
from accord.index.client import IndexClient
from accord.index.model import CoreMetadata, DistFile, ProjectPage
from accord.model.constraints import Pin
from accord.model.markers import applies_to_python
from accord.unreadable import refuse_unreadable

_SDIST_SUFFIXES = (".tar.gz", ".zip")  # PEP 625 (.tar.gz) and older zips
_SHOWN = 10  # problems named in the message (an unreachable index fails all)


class ExportError(AccordError):
    """The pinned set cannot be exported: every problem, in ``problems``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        shown = list(self.problems[:_SHOWN])
        if count > _SHOWN:
            shown.append(f"and {count - _SHOWN} more")
        super().__init__(
            f"cannot export the pinned set ({count} problem{'s' * (count != 1)}): "
            + "; ".join(shown)
        )


@dataclass(frozen=True, slots=True)
class _Wanted:
    pin: Pin
    marker: Marker | None
    pythons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sources:
    """Where the pinned files are: indexes in order (the first holding a
    release gives all its files), then local ``--find-links`` directories."""

    indexes: tuple[IndexClient, ...]
    wheelhouse: Wheelhouse | None = None

    @property
    def places(self) -> str:
        names = [public_url(client.index_url) for client in self.indexes]
        if self.wheelhouse is not None:
            names += [str(path) for path in self.wheelhouse.directories]
        return ", ".join(names) or "no index and no --find-links"


@dataclass(frozen=True, slots=True)
class _Found:
    want: _Wanted
    files: tuple[ArtefactFile, ...]
    index_url: str | None  # None: from a --find-links directory
    metadata: Callable[[], CoreMetadata | None]  # the pinned release's


def gather(
    central: CentralRepo,
    sources: Sources,
    pythons: Sequence[str] = (),
    *,
    metadata: bool = True,
) -> PinnedSet:
    """The pinned set for ``pythons`` (default: the supported Pythons).

    Raises InputError for unreadable pins and ExportError naming every pin
    no source gives files with a sha256 for. ``metadata=False`` never reads
    core metadata (licences come from the global list only).
    """
    targets = tuple(sorted(pythons or central.config.python_versions, key=python_key))
    found = _locate(_wanted(central, targets), sources)
    licences = _licences(central, found, metadata)
    packages = tuple(
        sorted(
            (
                PinnedPackage(
                    name=item.want.pin.name,
                    version=item.want.pin.version,
                    marker=item.want.marker,
                    pythons=item.want.pythons,
                    files=item.files,
                    licence=licences.get(item.want.pin.name),
                    index_url=item.index_url,
                )
                for item in found
            ),
            key=lambda p: (p.name, p.version, p.pythons),
        )
    )
    created, revision = source_time(central.root)
    return PinnedSet(
        name=central.root.resolve().name,
        pythons=targets,
        platform=central.config.resolution.platform,
        packages=packages,
        created=created,
        revision=revision,
    )


def _locate(wanted: Sequence[_Wanted], sources: Sources) -> list[_Found]:
    """Each pin's files from the first source that has them."""
    found: list[_Found] = []
    errors: dict[int, str] = {}  # the first error about each pin
    missing = list(enumerate(wanted))
    for client in sources.indexes:
        if not missing:
            break
        pages = client.projects([want.pin.name for _, want in missing])
        still = []
        for position, want in missing:
            page = pages[want.pin.name]
            if isinstance(page, AccordError):
                errors.setdefault(position, str(page))
                still.append((position, want))
                continue
            files = release_files(page, want.pin.version)
            if not files:
                still.append((position, want))
                continue
            url = public_url(client.index_url)
            found.append(_Found(want, files, url, _from_index(client, page, want)))
        missing = still
    wheelhouse, problems = sources.wheelhouse, []
    for position, want in missing:
        pin = want.pin
        files = () if wheelhouse is None else wheelhouse.files(pin.name, pin.version)
        if files and wheelhouse is not None:
            found.append(_Found(want, files, None, _from_wheel(wheelhouse, want)))
            continue
        where = f"{pin.name}==={pin.version} ({UPPER_CONSTRAINTS}:{pin.lineno})"
        reason = errors.get(position)
        if reason is None or wheelhouse is not None or len(sources.indexes) > 1:
            reason = f"no file of this version with a sha256 on {sources.places}"
        problems.append(f"{where}: {reason}")
    if problems:
        raise ExportError(problems)
    return found


def _from_index(
    client: IndexClient, page: ProjectPage, want: _Wanted
) -> Callable[[], CoreMetadata | None]:
    def read() -> CoreMetadata | None:
        try:
            return client.latest_metadata(page, want.pin.version)
        except AccordError:
            return None  # a licence is a nicety: the files are what matter

    return read


def _from_wheel(
    wheelhouse: Wheelhouse, want: _Wanted
) -> Callable[[], CoreMetadata | None]:
    def read() -> CoreMetadata | None:
        from accord.init.licences import read_wheel_metadata

        wheel = wheelhouse.wheel(want.pin.name, want.pin.version)
        try:
            return None if wheel is None else read_wheel_metadata(wheel)
        except AccordError:
            return None

    return read


def _wanted(central: CentralRepo, pythons: tuple[str, ...]) -> list[_Wanted]:
    constraints = central.constraints
    if constraints is None:
        raise InputError(
            f"no {UPPER_CONSTRAINTS}: nothing is pinned",
            path=str(central.root),
            hint="run accord constraints generate",
        )
    for line in constraints.file.invalid_lines():  # it may pin anything
        raise InputError(
            line.complaint,
            path=UPPER_CONSTRAINTS,
            line=line.lineno,
            hint="accord validate lists every such line",
        )
    # The list's markers and licences go into the export: a line unread
    # would narrow where its pin installs, or drop its licence.
    refuse_unreadable(central, pins=False, hint="accord validate lists every such line")
    if constraints.malformed:
        bad = constraints.malformed[0]
        raise InputError(
            f"not an exact pin: {bad.reason}",
            path=UPPER_CONSTRAINTS,
            line=bad.line.lineno,
            hint="accord validate lists every such line",
        )
    wanted = []
    seen: dict[tuple[NormalizedName, str], Pin] = {}
    for pin in constraints.pins:
        marker = _marker(central, pin)
        applies = tuple(p for p in pythons if applies_to_python(marker, p))
        for python in applies:
            other = seen.setdefault((pin.name, python), pin)
            if other is not pin:  # a lock file may install one version
                raise InputError(
                    f"{pin.name} is pinned twice for Python {python} "
                    f"(also at line {other.lineno})",
                    path=UPPER_CONSTRAINTS,
                    line=pin.lineno,
                    hint="accord validate reports it as G012",
                )
        if applies:
            wanted.append(_Wanted(pin, marker, applies))
    return wanted


def _marker(central: CentralRepo, pin: Pin) -> Marker | None:
    """Where the pin installs: its own marker and, for a library the global
    list names only under markers (``tomli;python_version<'3.11'``), those."""
    entries = central.global_list.entries_for(pin.name)
    listed = [entry.requirement.marker for entry in entries]
    parts = [] if pin.marker is None else [str(pin.marker)]
    if listed and all(marker is not None for marker in listed):
        unique = list(dict.fromkeys(str(marker) for marker in listed))
        parts.append(" or ".join(f"({text})" for text in unique))
    if not parts:
        return None
    try:
        return Marker(parts[0] if len(parts) == 1 else f"({parts[0]}) and ({parts[1]})")
    except InvalidMarker:  # each part parsed alone; together they always do
        return pin.marker


def release_files(page: ProjectPage, version: Version) -> tuple[ArtefactFile, ...]:
    """The release's wheels and its sdist that carry a sha256 and an http(s)
    URL (not yanked, unless every file is): the sdist first, then the wheels
    by name."""
    usable = [
        f
        for f in page.files_for(version)
        if f.digest("sha256")
        and (f.is_wheel or f.filename.endswith(_SDIST_SUFFIXES))
        and unfetchable(f.url) is None  # a page's file: or javascript: link
    ]
    live = [f for f in usable if f.yanked is None] or usable
    wheels = sorted((f for f in live if f.is_wheel), key=lambda f: f.filename)
    sdists = sorted(
        (f for f in live if not f.is_wheel),
        key=lambda f: (not f.filename.endswith(".tar.gz"), f.filename),
    )
    return tuple(_artefact(f) for f in [*sdists[:1], *wheels])


def _artefact(file: DistFile) -> ArtefactFile:
    return ArtefactFile(
        filename=file.filename,
        url=public_url(file.url),
        sha256=file.digest("sha256") or "",
        size=file.size,
        upload_time=(
            None
            if file.upload_time is None
            else file.upload_time.astimezone(datetime.timezone.utc)
        ),
        is_wheel=file.is_wheel,
    )


def public_url(url: str) -> str:
    """``url`` without user information: an artefact is shared, credentials
    are not."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def _licences(
    central: CentralRepo, found: Sequence[_Found], metadata: bool
) -> dict[NormalizedName, str]:
    from accord.licenses import declared_licence, normalize_license

    aliases = central.config.licenses.aliases
    licences: dict[NormalizedName, str] = {}
    missing: list[_Found] = []
    for item in found:
        for entry in central.global_list.entries_for(item.want.pin.name):
            if entry.licence is None:
                continue
            expression = normalize_license(entry.licence, aliases)
            if expression is not None:
                licences[item.want.pin.name] = expression
                break
        else:
            missing.append(item)
    if not metadata or not missing:
        return licences

    def read(item: _Found) -> str | None:
        core = item.metadata()
        declared = None if core is None else declared_licence(core)
        return None if declared is None else normalize_license(declared[0], aliases)

    with ThreadPoolExecutor(min(16, len(missing)), thread_name_prefix="accord") as pool:
        for item, expression in zip(missing, pool.map(read, missing), strict=True):
            if expression is not None:
                licences.setdefault(item.want.pin.name, expression)
    return licences


def source_time(root: Path) -> tuple[datetime.datetime, str | None]:
    """When the pins were made, for stable timestamps: ``SOURCE_DATE_EPOCH``
    if set, else the commit time of ``upper-constraints.txt`` when the file
    is as committed, else its modification time. And the commit, if known."""
    from accord.vcs.git import last_change

    change = last_change(root, UPPER_CONSTRAINTS)
    revision = None if change is None else change[0]
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        seconds = int(epoch)
    elif change is not None:
        seconds = change[1]
    else:
        try:
            seconds = int((root / UPPER_CONSTRAINTS).stat().st_mtime)
        except OSError:
            seconds = 0
    try:
        moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        moment = datetime.datetime.fromtimestamp(0, datetime.timezone.utc)
    return moment, revision
