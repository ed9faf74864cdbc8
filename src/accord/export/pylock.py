"""The pinned set as a PEP 751 lock file (``pylock.toml``).

One ``[[packages]]`` entry per pin, with the pin's ``python_version``
marker where Pythons differ, the index it comes from, its sdist and wheels
with their sha256 (and size and upload time where the index gives them).
``environments`` names each supported Python on the platform the pins were
resolved for, so an installer refuses an environment they were not made
for. An installer installs every entry whose marker holds: the whole
pinned set for that Python, exactly the pins.
"""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import Array, InlineTable, String, Table

from accord.export.model import ArtefactFile, PinnedPackage, PinnedSet
from accord.model.markers import platform_environments

LOCK_VERSION = "1.0"
CREATED_BY = "accord"


def render_pylock(pinned: PinnedSet) -> str:
    """``pylock.toml``'s text: the same bytes for the same pinned set."""
    document = tomlkit.document()
    document.add("lock-version", LOCK_VERSION)
    document.add("environments", _lines([_marker(m) for m in environments(pinned)]))
    if pinned.pythons:
        document.add("requires-python", f">={pinned.pythons[0]}")
    document.add("created-by", CREATED_BY)
    packages = tomlkit.aot()
    for package in pinned.packages:
        packages.append(_package(package))
    document.add("packages", packages)
    return tomlkit.dumps(document)


def environments(pinned: PinnedSet) -> list[str]:
    """One marker per supported Python, on the platform pins are made for."""
    platforms = {
        env["sys_platform"]
        for env in platform_environments(pinned.pythons[:1], pinned.platform)
    }
    place = f' and sys_platform == "{platforms.pop()}"' if len(platforms) == 1 else ""
    return [f'python_version == "{python}"{place}' for python in pinned.pythons]


def _package(package: PinnedPackage) -> Table:
    table = tomlkit.table()
    table.add("name", package.name)
    table.add("version", str(package.version))
    if package.marker is not None:
        table.add("marker", _marker(str(package.marker)))
    if package.index_url is not None:
        table.add("index", package.index_url)
    sdist = package.sdist
    if sdist is not None:
        table.add("sdist", _file(sdist))
    wheels = package.wheels
    if wheels:
        table.add("wheels", _lines([_file(wheel) for wheel in wheels]))
    return table


def _file(file: ArtefactFile) -> InlineTable:
    entry = tomlkit.inline_table()
    entry.add("name", file.filename)
    entry.add("url", file.url)
    if file.upload_time is not None:
        entry.add("upload-time", file.upload_time)
    if file.size is not None:
        entry.add("size", file.size)
    hashes = tomlkit.inline_table()
    hashes.add("sha256", file.sha256)
    entry.add("hashes", hashes)
    return entry


def _marker(text: str) -> String:
    """A marker as a TOML literal string: ``'python_version < "3.11"'``."""
    return tomlkit.string(text, literal="'" not in text and "\n" not in text)


def _lines(items: list[Any]) -> Array:
    """An array written one item a line, as PEP 751's examples are."""
    array = tomlkit.array()
    array.extend(items)
    return array.multiline(True)
