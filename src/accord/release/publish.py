"""``accord release publish``: upload built files with ``uv publish``.

Only files ``SHA256SUMS`` lists, and only if they still match it. uv is
given the index's simple API as ``--check-url``, so a file the index already
has with the same content is skipped (a retry after a partial upload
uploads only what is missing) and one with different content is an error:
nothing is ever overwritten.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from packaging.version import Version

from accord.errors import InputError
from accord.release.build import SUMS, artifact_version, own_file, read_sums, sha256
from accord.release.errors import ReleaseError

PublishStatus = Literal["uploaded", "already there"]

_PYPI_UPLOADS = {
    "upload.pypi.org": "https://pypi.org/simple/",
    "test.pypi.org": "https://test.pypi.org/simple/",
}


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    name: str
    status: PublishStatus


def default_check_url(upload_url: str) -> str:
    """The simple API beside an upload URL (PyPI's own, or ``/simple/`` at
    the same host, as pypiserver, devpi and most private indexes serve)."""
    parts = urlsplit(upload_url)
    if parts.hostname in _PYPI_UPLOADS:
        return _PYPI_UPLOADS[parts.hostname]
    return urlunsplit((parts.scheme, parts.netloc, "/simple/", "", ""))


def files_to_publish(dist: Path, version: str | None = None) -> list[Path]:
    """The files SHA256SUMS lists (of ``version`` only, if given), verified."""
    if not dist.is_dir():
        raise InputError(
            "is not a directory `accord release build` wrote", path=str(dist)
        )
    sums = read_sums(dist)
    if not sums:
        what = "lists no files" if (dist / SUMS).exists() else "is not there"
        raise InputError(f"{dist}/{SUMS} {what}: run accord release build first")
    wanted = None if version is None else Version(version)
    files: list[Path] = []
    for name, checksum in sorted(sums.items()):
        if wanted is not None and artifact_version(name) != wanted:
            continue
        path = own_file(dist, name)
        if not path.is_file() or sha256(path) != checksum:
            raise ReleaseError(f"{path} does not match SHA256SUMS: not published")
        files.append(path)
    if not files:
        raise ReleaseError(f"{dist}/SHA256SUMS lists no files of {version}")
    return files


def publish_files(
    files: Sequence[Path], index: str, check_url: str | None, uv: str
) -> list[PublishOutcome]:
    """Upload ``files``; those the index already has are skipped."""
    check = check_url or default_check_url(index)
    command = [
        uv, "publish", "--publish-url", index, "--check-url", check,
        "--trusted-publishing", "never", "--no-attestations",
        *(str(f) for f in files),
    ]  # fmt: skip
    env = dict(os.environ)
    if not any(k in env for k in ("UV_PUBLISH_TOKEN", "UV_PUBLISH_USERNAME")):
        env["UV_PUBLISH_USERNAME"] = "__token__"  # an open index takes anyone
        env.setdefault("UV_PUBLISH_PASSWORD", "")
    try:
        result = subprocess.run(
            command, capture_output=True, env=env, check=False, timeout=1800
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReleaseError(f"uv publish failed: {error}") from error
    output = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        lines = [line for line in output.strip().splitlines() if line.strip()]
        raise ReleaseError(f"uv publish failed: {' / '.join(lines[-4:])}")
    return [
        PublishOutcome(
            f.name, "already there" if _skipped(output, f.name) else "uploaded"
        )
        for f in files
    ]


def _skipped(output: str, name: str) -> bool:
    """Whether uv said it skipped ``name`` (its wording is read only here)."""
    return any(
        name in line and ("already exists" in line or "skipping" in line.lower())
        for line in output.splitlines()
    )
