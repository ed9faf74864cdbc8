"""accord release publish: to a real pypiserver on loopback, then installed
from it with pip; never overwriting, and a retry completes a partial upload."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli import main

from .pypiserver_fixture import pypiserver
from .release_world import World, git, make_world

__all__ = ["pypiserver"]


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    world: World = make_world(tmp_path)
    git(world.lib, "tag", "-a", "-m", "r", "1.1.0", world.commits["c1"])
    out = tmp_path / "dist"
    args = ["release", "build", "org/acmelib", "1.1.0", "--git-base", str(world.base)]
    assert main([*args, "--out", str(out), "--no-index", "-q"]) == 0
    return out


def _publish(dist: Path, index: str) -> tuple[int, dict[str, str]]:
    from contextlib import redirect_stdout
    from io import StringIO

    buffer = StringIO()
    with redirect_stdout(buffer):
        status = main(
            ["release", "publish", str(dist), "--index", index, "--format", "json"]
        )
    results = json.loads(buffer.getvalue())["results"] if status == 0 else []
    return status, {r["file"]: r["status"] for r in results}


def test_publish_then_pip_install(dist: Path, pypiserver: str, tmp_path: Path) -> None:
    status, results = _publish(dist, pypiserver)
    assert status == 0
    assert set(results.values()) == {"uploaded"}
    target = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir",
            "--disable-pip-version-check", "--index-url", pypiserver + "simple/",
            "--target", str(target), "acmelib==1.1.0",
        ],
        check=True,
    )  # fmt: skip
    assert (target / "acmelib.py").read_text() == "VALUE = 2\n"


def test_a_retry_completes_a_partial_upload(dist: Path, pypiserver: str) -> None:
    sums = (dist / "SHA256SUMS").read_text().splitlines()
    wheel_only = [line for line in sums if line.endswith(".whl")]
    (dist / "SHA256SUMS").write_text("\n".join(wheel_only) + "\n")
    assert _publish(dist, pypiserver)[0] == 0  # the "partial" upload
    (dist / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    status, results = _publish(dist, pypiserver)
    assert status == 0
    assert results == {
        "acmelib-1.1.0-py3-none-any.whl": "already there",
        "acmelib-1.1.0.tar.gz": "uploaded",
    }


def test_a_different_file_is_never_overwritten(
    dist: Path, pypiserver: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _publish(dist, pypiserver)[0] == 0
    sdist = dist / "acmelib-1.1.0.tar.gz"
    sdist.write_bytes(sdist.read_bytes() + b"\0")
    lines = (dist / "SHA256SUMS").read_text().splitlines()
    import hashlib

    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    fixed = [
        f"{digest}  {sdist.name}" if sdist.name in line else line for line in lines
    ]
    (dist / "SHA256SUMS").write_text("\n".join(fixed) + "\n")
    assert _publish(dist, pypiserver)[0] == 1
    assert "uv publish failed" in capsys.readouterr().err


def test_tampered_files_are_not_published(
    dist: Path, pypiserver: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (dist / "acmelib-1.1.0.tar.gz").write_bytes(b"x")
    assert _publish(dist, pypiserver)[0] == 1
    assert "does not match SHA256SUMS" in capsys.readouterr().err


def test_nothing_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["release", "publish", str(tmp_path), "--index", "http://127.0.0.1:9/"])
        == 2  # missing input: bad usage
    )
    assert "SHA256SUMS is not there" in capsys.readouterr().err
