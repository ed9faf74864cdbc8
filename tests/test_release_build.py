"""accord release build: from the tag, in a clean tree, offline (the test
library's build backend is in its own tree), checksummed."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from accord.cli import main

from .release_world import World, commit_library, git, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    git(world.lib, "tag", "-a", "-m", "r", "1.1.0", world.commits["c1"])
    return world


def _build(world: World, out: Path, version: str = "1.1.0") -> int:
    args = ["release", "build", "org/acmelib", version, "--git-base", str(world.base)]
    return main([*args, "--out", str(out), "--no-index", "--format", "json"])


def test_sdist_and_wheel_from_the_tag(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world.lib / "acmelib.py").write_text("UNCOMMITTED = True\n")  # not built
    out = tmp_path / "dist"
    assert _build(world, out) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "SHA256SUMS",
        "acmelib-1.1.0-py3-none-any.whl",
        "acmelib-1.1.0.tar.gz",
    ]
    for line in (out / "SHA256SUMS").read_text().splitlines():
        checksum, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == checksum
    with zipfile.ZipFile(out / "acmelib-1.1.0-py3-none-any.whl") as wheel:
        assert wheel.read("acmelib.py") == b"VALUE = 2\n"
    results = json.loads(capsys.readouterr().out)["results"]
    assert {r["status"] for r in results} == {"built"}
    assert _build(world, out) == 0  # a second run finds them, verified
    results = json.loads(capsys.readouterr().out)["results"]
    assert {r["status"] for r in results} == {"already built"}


def test_a_version_other_than_the_tag_is_refused(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "tag", "-a", "-m", "r", "1.1.1", world.commits["c1"])  # says 1.1.0
    out = tmp_path / "dist"
    assert _build(world, out, "1.1.1") == 1
    assert "must be the tag's" in capsys.readouterr().err
    assert not out.exists()


def test_no_such_tag(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _build(world, tmp_path / "dist", "9.9.9") == 1
    assert "no tag 9.9.9" in capsys.readouterr().err


def test_not_a_version(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _build(world, tmp_path / "dist", "nope") == 2  # bad usage
    assert "not a version" in capsys.readouterr().err


def test_a_tampered_file_is_refused(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    assert _build(world, out) == 0
    (out / "acmelib-1.1.0.tar.gz").write_bytes(b"other")
    assert _build(world, out) == 1
    assert "does not match SHA256SUMS" in capsys.readouterr().err


def test_a_damaged_checksum_file_is_one_line_and_nothing_is_replaced(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "SHA256SUMS").write_bytes(b"\xff\xfe not text\n")
    assert _build(world, out) == 2
    err = capsys.readouterr().err
    assert "SHA256SUMS:1: is not valid UTF-8" in err and "internal" not in err
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS"]


def test_a_failing_build_is_one_line(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = commit_library(
        world.lib, "1.2.0", (), "broken", **{"backend.py": "raise X\n"}
    )
    git(world.lib, "tag", "-a", "-m", "r", "1.2.0", sha)
    assert _build(world, tmp_path / "dist", "1.2.0") == 1
    assert "uv build failed" in capsys.readouterr().err
