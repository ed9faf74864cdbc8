"""``accord release build``: the sdist and wheel of a tag, checksummed.

The tag's tree is exported (``git archive``: no .git, nothing untracked)
into a fresh temporary directory and built there with ``uv build`` in an
isolated environment: the sdist first, then the wheel from the sdist. The
version in both file names and in the wheel's metadata must be the tag's.
``SHA256SUMS`` in the output directory records every file built.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from accord.errors import InputError
from accord.release.errors import ReleaseError
from accord.release.gitrepo import LocalRepo
from accord.writes import write_atomic

SUMS = "SHA256SUMS"
_SUM_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")


@dataclass(frozen=True, slots=True)
class Artifact:
    name: str  # the file name in the output directory
    sha256: str


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    version: str
    artifacts: tuple[Artifact, ...]
    built: bool  # False when the output directory already held them, verified


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sums(directory: Path) -> dict[str, str]:
    """File name to checksum, as SHA256SUMS in ``directory`` records them.

    Every line is ``<sha256>  <name>`` (or `` *<name>``), the name a file of
    ``directory`` itself: anything else is refused at its line, so a name
    such as ``../secret`` never leads a step to a file outside it.
    """
    from accord.files import read_text

    path = own_file(directory, SUMS)
    if not os.path.lexists(path):
        return {}
    sums: dict[str, str] = {}
    text = read_text(path, str(path))  # a bounded regular file, UTF-8
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = _SUM_LINE.fullmatch(line)
        if found is None:
            raise InputError(
                "not a checksum line: <64 hex digits>, two spaces, a file name",
                path=str(path),
                line=number,
            )
        checksum, name = found.groups()
        if name in (".", "..") or any(c in name for c in "/\\\0"):
            raise InputError(
                f"{name[:80]!r} is not a file of {directory}",
                path=str(path),
                line=number,
            )
        sums[name] = checksum.lower()
    return sums


def own_file(directory: Path, name: str) -> Path:
    """``directory / name``, a file a release step writes or publishes: a
    symbolic link (to a file anywhere) is refused, never followed."""
    path = directory / name
    if path.is_symlink():
        raise InputError(
            "is a symbolic link: accord reads, writes and publishes only "
            "the files it made there",
            path=str(path),
        )
    return path


def _write_sums(directory: Path, sums: dict[str, str]) -> None:
    text = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums))
    write_atomic(directory / SUMS, text)


def artifact_version(name: str) -> Version | None:
    """The version an sdist or wheel file name says, or None if neither."""
    try:
        if name.endswith(".whl"):
            return parse_wheel_filename(name)[1]
        if name.endswith(".tar.gz"):
            return parse_sdist_filename(name)[1]
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def _wheel_metadata_version(path: Path) -> str | None:
    with zipfile.ZipFile(path) as wheel:
        names = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        if len(names) != 1:
            return None
        text = wheel.read(names[0]).decode("utf-8", "replace")
    return HeaderParser().parsestr(text).get("Version")


def existing(out: Path, version: str) -> tuple[Artifact, ...] | None:
    """The artifacts of ``version`` already in ``out``, if SHA256SUMS lists
    an sdist and a wheel of it and every file still matches its checksum."""
    wanted = Version(version)
    found = tuple(
        Artifact(name, checksum)
        for name, checksum in read_sums(out).items()
        if artifact_version(name) == wanted
    )
    kinds = {a.name.endswith(".whl") for a in found}
    if kinds != {True, False}:
        return None
    for built in found:
        path = own_file(out, built.name)
        if not path.is_file() or sha256(path) != built.sha256:
            raise ReleaseError(
                f"{path} does not match {SUMS}: remove the directory's files of "
                f"{version} and build again"
            )
    return found


def build_release(
    repo: LocalRepo,
    version: str,
    out: Path,
    uv: str,
    find_links: Sequence[str] = (),
    no_index: bool = False,
) -> BuildOutcome:
    """Build ``version`` (a tag of ``repo``) into ``out``."""
    if artifact_version(f"x-{version}.tar.gz") is None:
        raise InputError(f"{version!r} is not a version")
    already = existing(out, version)
    if already is not None:
        return BuildOutcome(version, already, built=False)
    sha = repo.tag_commit(version)
    if sha is None:
        raise ReleaseError(f"{repo.path} has no tag {version}: run accord release tag")
    with tempfile.TemporaryDirectory(prefix="accord-build-") as directory:
        tree, built = Path(directory) / "tree", Path(directory) / "dist"
        repo.archive(sha, tree)
        _uv_build(uv, tree, built, find_links, no_index)
        artifacts = _verified(built, version)
        out.mkdir(parents=True, exist_ok=True)
        sums = read_sums(out)
        for path in artifacts:
            target = out / path.name
            if target.exists() and sums.get(path.name) != sha256(target):
                raise ReleaseError(
                    f"{target} exists and is not in {SUMS}: not replaced"
                )
            sums[path.name] = sha256(path)
            shutil.move(path, target)
        _write_sums(out, sums)
    found = tuple(Artifact(p.name, sums[p.name]) for p in artifacts)
    return BuildOutcome(version, found, built=True)


def _uv_build(
    uv: str, tree: Path, built: Path, find_links: Sequence[str], no_index: bool
) -> None:
    command = [uv, "build", "--quiet", "--out-dir", str(built), str(tree)]
    for link in find_links:
        command += ["--find-links", str(Path(link).resolve())]
    if no_index:
        command.append("--no-index")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    try:
        result = subprocess.run(
            command, capture_output=True, env=env, check=False, timeout=1800
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReleaseError(f"uv build failed: {error}") from error
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReleaseError(f"uv build failed: {' / '.join(lines[-5:])}")


def _verified(built: Path, version: str) -> list[Path]:
    """The sdist and wheel built, each of exactly ``version``."""
    wanted = Version(version)
    files = sorted(p for p in built.iterdir() if p.name.endswith((".tar.gz", ".whl")))
    if not any(p.name.endswith(".whl") for p in files) or not any(
        p.name.endswith(".tar.gz") for p in files
    ):
        raise ReleaseError(f"the build of {version} made no sdist and wheel")
    for path in files:
        found = artifact_version(path.name)
        if found != wanted:
            raise ReleaseError(
                f"the build of tag {version} made {path.name} (version {found}): "
                "the project's version must be the tag's"
            )
        if path.name.endswith(".whl"):
            metadata = _wheel_metadata_version(path)
            if metadata is None or artifact_version(f"x-{metadata}.tar.gz") != wanted:
                raise ReleaseError(
                    f"{path.name} says version {metadata}, not {version}"
                )
    return files
