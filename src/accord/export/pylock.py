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

import datetime
import json

from accord.export.model import ArtefactFile, PinnedPackage, PinnedSet
from accord.model.markers import platform_environments

LOCK_VERSION = "1.0"
CREATED_BY = "accord"


def render_pylock(pinned: PinnedSet) -> str:
    """``pylock.toml``'s text: the same bytes for the same pinned set.

    Written directly (a few kinds of TOML value, each escaped here): a
    TOML library takes seconds over OpenStack's thousands of files.
    """
    lines = [f"lock-version = {_string(LOCK_VERSION)}", "environments = ["]
    lines += [f"    {_marker(marker)}," for marker in environments(pinned)]
    lines.append("]")
    if pinned.pythons:
        lines.append(f"requires-python = {_string('>=' + pinned.pythons[0])}")
    lines.append(f"created-by = {_string(CREATED_BY)}")
    for package in pinned.packages:
        lines += ["", *_package(package)]
    return "\n".join(lines) + "\n"


def environments(pinned: PinnedSet) -> list[str]:
    """One marker per supported Python, on the platform pins are made for."""
    platforms = {
        env["sys_platform"]
        for env in platform_environments(pinned.pythons[:1], pinned.platform)
    }
    place = f' and sys_platform == "{platforms.pop()}"' if len(platforms) == 1 else ""
    return [f'python_version == "{python}"{place}' for python in pinned.pythons]


def _package(package: PinnedPackage) -> list[str]:
    lines = [
        "[[packages]]",
        f"name = {_string(package.name)}",
        f"version = {_string(str(package.version))}",
    ]
    if package.marker is not None:
        lines.append(f"marker = {_marker(str(package.marker))}")
    if package.index_url is not None:
        lines.append(f"index = {_string(package.index_url)}")
    sdist = package.sdist
    if sdist is not None:
        lines.append(f"sdist = {_file(sdist)}")
    wheels = package.wheels
    if wheels:
        lines += ["wheels = [", *(f"    {_file(wheel)}," for wheel in wheels), "]"]
    return lines


def _file(file: ArtefactFile) -> str:
    fields = [f"name = {_string(file.filename)}", f"url = {_string(file.url)}"]
    if file.upload_time is not None:
        fields.append(f"upload-time = {_datetime(file.upload_time)}")
    if file.size is not None:
        fields.append(f"size = {file.size}")
    fields.append(f"hashes = {{sha256 = {_string(file.sha256)}}}")
    return "{" + ", ".join(fields) + "}"


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes (quote, backslash, control
    characters as ``\\uXXXX``) are all TOML's too; DEL is not JSON's, and
    a lone surrogate (from an index's JSON) is no character TOML can hold."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _marker(text: str) -> str:
    """A marker as a TOML literal string where it can be one:
    ``'python_version < "3.11"'`` reads better than escaped quotes."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    if "'" in text or any(ord(char) < 0x20 or char == "\x7f" for char in text):
        return _string(text)
    return f"'{text}'"


def _datetime(moment: datetime.datetime) -> str:
    """An offset date-time in UTC (``2024-01-01T00:00:00Z``)."""
    utc = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return (
        utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds") + "Z"
    )
