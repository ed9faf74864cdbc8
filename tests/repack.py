"""Wheels rebuilt from the distributions installed here, for tests that must
pip-install a package and its dependencies with no index (pre-commit's hook
environment). Each installed distribution's RECORD lists its files; packed
back with its own METADATA and WHEEL they make a wheel pip accepts."""

from __future__ import annotations

import base64
import hashlib
import sysconfig
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Where an installer put a wheel's ``<name>.data/<key>/`` files.
# (headers and scripts first: they lie under data's prefix)
_DATA_KEYS = {"scripts": "scripts", "headers": "include", "data": "data"}
_INSTALLER_FILES = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}


class NotInstalled(LookupError):
    """A requirement of the closure has no installed distribution that fits."""


def closure(requirements: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions that satisfy ``requirements`` and,
    transitively, theirs (markers evaluated here, extras followed)."""
    found: dict[str, metadata.Distribution] = {}
    followed: set[tuple[str, frozenset[str]]] = set()
    pending = [(Requirement(text), "") for text in requirements]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise NotInstalled(str(requirement)) from None
        if not requirement.specifier.contains(dist.version, prereleases=True):
            raise NotInstalled(f"{requirement} (installed: {dist.version})")
        found[name] = dist
        key = (name, frozenset(requirement.extras))
        if key not in followed:
            followed.add(key)
            pending.extend(
                (Requirement(text), e)
                for text in dist.requires or ()
                for e in ("", *requirement.extras)
            )
    return sorted(found.values(), key=lambda dist: canonicalize_name(dist.name))


def repack(dist: metadata.Distribution, directory: Path) -> Path:
    """``dist`` as a wheel in ``directory`` (stored, not compressed: the
    wheels live for one test session)."""
    info = _dist_info(dist)
    wheel_text = (info / "WHEEL").read_text()
    tags = [
        line.split(":", 1)[1].strip()
        for line in wheel_text.splitlines()
        if line.startswith("Tag:")
    ]
    stem = f"{canonicalize_name(dist.name).replace('-', '_')}-{dist.version}"
    path = directory / f"{stem}-{_compressed(tags)}.whl"
    site = Path(str(dist.locate_file(""))).resolve()
    scripts = _console_scripts(dist)
    record: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for listed in dist.files or ():
            source = Path(str(dist.locate_file(listed))).resolve()
            member = _member(source, site, f"{stem}.data", scripts)
            if member is None or not source.is_file():
                continue
            top, _, rest = member.partition("/")
            if top == info.name and rest in _INSTALLER_FILES:
                continue
            data = source.read_bytes()
            archive.writestr(member, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
            record.append(f"{member},sha256={digest.rstrip(b'=').decode()},{len(data)}")
        record.append(f"{info.name}/RECORD,,")
        archive.writestr(f"{info.name}/RECORD", "\n".join(record) + "\n")
    return path


def _dist_info(dist: metadata.Distribution) -> Path:
    path = getattr(dist, "_path", None)  # PathDistribution: its .dist-info
    if not isinstance(path, Path) or path.suffix != ".dist-info":
        raise NotInstalled(f"{dist.name} is not installed from a wheel")
    if not (path / "WHEEL").is_file():
        raise NotInstalled(f"{dist.name} has no WHEEL file")
    return path


def _member(source: Path, site: Path, data_dir: str, scripts: set[str]) -> str | None:
    """The wheel path of an installed file, or None for one to leave out
    (byte code, console scripts the installer writes from entry points)."""
    if source.suffix == ".pyc" or "__pycache__" in source.parts:
        return None
    if source.is_relative_to(site):
        return source.relative_to(site).as_posix()
    for key, scheme_key in _DATA_KEYS.items():
        root = Path(sysconfig.get_path(scheme_key)).resolve()
        if source.is_relative_to(root):
            if key == "scripts" and source.name in scripts:
                return None
            return f"{data_dir}/{key}/{source.relative_to(root).as_posix()}"
    return None


def _console_scripts(dist: metadata.Distribution) -> set[str]:
    groups = {"console_scripts", "gui_scripts"}
    return {entry.name for entry in dist.entry_points if entry.group in groups}


def _compressed(tags: list[str]) -> str:
    """A wheel file name's tag triple for the WHEEL file's ``Tag:`` lines."""
    parts: list[list[str]] = [[], [], []]
    for tag in tags:
        for index, part in enumerate(tag.split("-")):
            if part not in parts[index]:
                parts[index].append(part)
    return "-".join(".".join(part) for part in parts)


def bundled(requirement: str) -> Path | None:
    """A wheel for ``requirement`` among those virtualenv ships to seed its
    environments (pip, setuptools), or None."""
    try:
        from virtualenv.seed.wheels import embed
    except ImportError:
        return None
    wanted = Requirement(requirement)
    for wheel in sorted(Path(embed.__file__).parent.glob("*.whl"), reverse=True):
        name, version = wheel.name.split("-")[:2]
        if canonicalize_name(name) == canonicalize_name(wanted.name) and (
            wanted.specifier.contains(version)
        ):
            return wheel
    return None
