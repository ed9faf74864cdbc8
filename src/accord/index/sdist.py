"""A source distribution's static metadata, read without running its code.

Only two members are read, never extracted: ``<top>/PKG-INFO`` and
``<top>/pyproject.toml``. Core metadata 2.2 or newer whose ``Dynamic``
lists neither Requires-Dist nor Requires-Python is what any build of the
sdist would produce (PEP 643); older PKG-INFO, or pyproject.toml's
``[project]`` table, is a draft a person should check. Archives are read
as a stream with caps on the inflated bytes and on each member; a broken
archive is a reason, never a traceback.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import sys
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from typing import IO, Any, cast

from packaging.metadata import InvalidMetadata, Metadata, parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from accord.index._limits import METADATA_BYTES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

INFLATED_BYTES = 1 << 30  # a tar stream read past this is refused
MEMBERS = 100_000  # members walked before giving up on finding PKG-INFO
_WANTED = ("PKG-INFO", "pyproject.toml")
_STATIC_FROM = Version("2.2")  # PEP 643: Dynamic, and static otherwise


class Unreadable(Exception):
    """Why an sdist gave no metadata (a sentence naming the file)."""


@dataclass(frozen=True, slots=True)
class SdistMetadata:
    """What an sdist says it needs, and how far to trust it."""

    name: str
    version: str
    requires_dist: tuple[str, ...]
    requires_python: str | None
    source: str  # e.g. "psycopg2-2.9.10.tar.gz PKG-INFO, Metadata-Version 2.1"
    reliable: bool  # PEP 643 static metadata: no human needs to check it


def read_sdist(data: bytes, filename: str, name: str, version: str) -> SdistMetadata:
    """The static metadata of the sdist ``data`` (named ``filename``, of
    ``name``'s release ``version``); Unreadable if it has none usable."""
    members = _members(data, filename)
    pkg_info = members.get("PKG-INFO")
    found = None if pkg_info is None else _from_pkg_info(pkg_info, filename, name)
    if found is not None and found.reliable:
        return replace(found, version=version)
    pyproject = members.get("pyproject.toml")
    fallback = None
    if pyproject is not None:
        fallback = _from_pyproject(pyproject, filename, name, version)
    chosen = fallback or found
    if chosen is not None:
        return replace(chosen, version=version)
    what = "no PKG-INFO" if pkg_info is None else "PKG-INFO's requirements are dynamic"
    raise Unreadable(
        f"{filename}: {what}, and no "
        "pyproject.toml [project] dependencies that are not dynamic"
    )


def _members(data: bytes, filename: str) -> dict[str, bytes]:
    """PKG-INFO and pyproject.toml at the archive's top directory."""
    try:
        if filename.endswith(".zip"):
            return _zip_members(data, filename)
        return _tar_members(data, filename)
    except Unreadable:
        raise
    except (
        tarfile.TarError,
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        zlib.error,
        lzma.LZMAError,
        ValueError,
        NotImplementedError,
        RuntimeError,  # an encrypted zip member
    ) as error:
        raise Unreadable(
            f"{filename}: not a readable archive (truncated or corrupt?): "
            f"{str(error) or type(error).__name__}"
        ) from None


def _wanted(member: str) -> str | None:
    """``PKG-INFO`` for ``top/PKG-INFO`` (exactly one directory deep)."""
    top, _, rest = member.partition("/")
    if top in ("", ".", "..") or rest not in _WANTED:
        return None
    return rest


def _tar_members(data: bytes, filename: str) -> dict[str, bytes]:
    stream = _Capped(_decompressed(data), filename)
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for count, info in enumerate(archive):
            if count >= MEMBERS:
                raise Unreadable(f"{filename}: over {MEMBERS} members")
            key = _wanted(info.name)
            if key is None or key in found or not info.isfile():
                continue
            _check_size(info.size, filename, key)
            member = archive.extractfile(info)  # the bytes, in memory only
            if member is not None:
                found[key] = member.read(METADATA_BYTES + 1)
            if len(found) == len(_WANTED):
                break
    return found


def _zip_members(data: bytes, filename: str) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist()[:MEMBERS]:
            key = _wanted(info.filename)
            if key is None or key in found or info.is_dir():
                continue
            _check_size(info.file_size, filename, key)
            with archive.open(info) as member:
                body = member.read(METADATA_BYTES + 1)  # the size may lie
            _check_size(len(body), filename, key)
            found[key] = body
    return found


def _check_size(size: int, filename: str, member: str) -> None:
    if size > METADATA_BYTES:
        raise Unreadable(
            f"{filename}: its {member} is over {METADATA_BYTES >> 20} MB; not read"
        )


def _decompressed(data: bytes) -> IO[bytes]:
    raw = io.BytesIO(data)
    if data.startswith(b"\x1f\x8b"):
        return cast("IO[bytes]", gzip.GzipFile(fileobj=raw))
    if data.startswith(b"BZh"):
        return cast("IO[bytes]", bz2.BZ2File(raw))
    if data.startswith(b"\xfd7zXZ\x00"):
        return cast("IO[bytes]", lzma.LZMAFile(raw))
    return raw


class _Capped(io.RawIOBase):
    """A stream that refuses to give more than INFLATED_BYTES."""

    def __init__(self, inner: IO[bytes], filename: str) -> None:
        self._inner, self._filename, self._read = inner, filename, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        self._read += len(data)
        if self._read > INFLATED_BYTES:
            raise Unreadable(
                f"{self._filename}: over {INFLATED_BYTES >> 20} MB inflated; not read"
            )
        buffer[: len(data)] = data
        return len(data)


def _from_pkg_info(body: bytes, filename: str, name: str) -> SdistMetadata | None:
    """PKG-INFO's requirements; None if ``Dynamic`` says a build decides."""
    raw, _ = parse_email(body)
    metadata = Metadata.from_raw(raw, validate=False)
    try:
        declared = Version(metadata.metadata_version)
    except (InvalidVersion, InvalidMetadata, TypeError, KeyError):
        raise Unreadable(
            f"{filename}: PKG-INFO has no valid Metadata-Version"
        ) from None
    dynamic = {field.lower() for field in raw.get("dynamic", [])}
    if dynamic & {"requires-dist", "requires-python"}:
        return None
    try:
        requires = tuple(str(r) for r in metadata.requires_dist or ())
        python = metadata.requires_python
    except (InvalidMetadata, InvalidRequirement, InvalidSpecifier, KeyError) as error:
        raise Unreadable(f"{filename}: PKG-INFO: {error}") from None
    source = f"{filename} PKG-INFO, Metadata-Version {raw['metadata_version']}"
    return SdistMetadata(
        name,
        str(raw.get("version", "")),
        requires,
        None if python is None else str(python),
        source,
        declared >= _STATIC_FROM,
    )


def _from_pyproject(
    body: bytes, filename: str, name: str, version: str
) -> SdistMetadata | None:
    """``[project]``'s dependencies unless dynamic (extras as markers)."""
    try:
        project = tomllib.loads(body.decode()).get("project")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise Unreadable(f"{filename}: pyproject.toml: {error}") from None
    if not isinstance(project, dict):
        return None
    dynamic = project.get("dynamic", [])
    if not isinstance(dynamic, list) or "dependencies" in dynamic:
        return None
    try:
        requires = [str(Requirement(r)) for r in _strings(project, "dependencies")]
        extras = project.get("optional-dependencies", {})
        if "optional-dependencies" not in dynamic and isinstance(extras, dict):
            for extra in extras:
                requires += [
                    _with_extra(r, str(extra)) for r in _strings(extras, extra)
                ]
        python = project.get("requires-python")
        if "requires-python" in dynamic or not isinstance(python, str):
            python = None
        else:
            python = str(SpecifierSet(python))
    except (InvalidRequirement, InvalidSpecifier, TypeError) as error:
        raise Unreadable(f"{filename}: pyproject.toml [project]: {error}") from None
    return SdistMetadata(
        name,
        version,
        tuple(requires),
        python,
        f"{filename} pyproject.toml [project]",
        False,
    )


def _strings(table: dict[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"'{key}' is not a list of strings")
    return value


def _with_extra(text: str, extra: str) -> str:
    requirement = Requirement(text)
    condition = f'extra == "{extra}"'
    if requirement.marker is not None:
        condition = f"({requirement.marker}) and {condition}"
    requirement.marker = None
    return f"{requirement}; {condition}"
