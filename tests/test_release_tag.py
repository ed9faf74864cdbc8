"""accord release tag: annotated tags, idempotent, a different one refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .release_world import World, git, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    world.request("2026.1", ("1.1.1", "s1"))
    return world


def _tag(world: World, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    args = ["release", "tag", str(world.releases), "--base", "HEAD"]
    status = main([*args, "--git-base", str(world.base), "--format", "json"])
    results = json.loads(capsys.readouterr().out)["results"]
    return status, [r["status"] for r in results]


def test_tags_once_then_finds_it_there(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _tag(world, capsys) == (0, ["created"])
    assert git(world.lib, "rev-parse", "1.1.1^{commit}") == world.commits["s1"]
    assert git(world.lib, "cat-file", "-t", "1.1.1") == "tag"  # annotated
    assert "acmelib 1.1.1 release" in git(world.lib, "tag", "-l", "-n1", "1.1.1")
    assert _tag(world, capsys) == (0, ["exists"])


def test_a_different_existing_tag_is_refused(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "tag", "1.1.1", world.commits["s3"])
    assert _tag(world, capsys) == (1, ["refused"])
    assert git(world.lib, "rev-parse", "1.1.1^{commit}") == world.commits["s3"]


def test_a_missing_repository(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["release", "tag", str(world.releases), "--base", "HEAD", "--format", "json"]
    assert main([*args, "--git-base", str(world.base / "nowhere")]) == 1
    assert "missing" in capsys.readouterr().out


def test_tags_pushed_to_a_url_remote(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["release", "tag", str(world.releases), "--base", "HEAD"]
    url = f"file://{world.base}"
    assert main([*args, "--git-base", url, "--workdir", str(tmp_path / "w")]) == 0
    assert git(world.lib, "rev-parse", "1.1.1^{commit}") == world.commits["s1"]
    capsys.readouterr()


def test_a_version_that_is_an_option_is_never_tagged(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    path = world.deliverable()
    path.write_text(path.read_text().replace("version: 1.1.1", "version: '-d'"))
    assert _tag(world, capsys) == (1, ["refused"])
    assert git(world.lib, "tag", "-l") == ""


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_a_git_file_leading_out_of_the_base_gets_no_tag(
    world: World,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    """A repository whose .git is a file (``gitdir: ...``) keeps its refs
    where that file says: inside the project or the --git-base (a submodule's
    or a worktree's repository) it is tagged; elsewhere the tag would land
    in a repository nobody named, so that repository is refused (exit 2)."""
    home = (
        tmp_path_factory.mktemp("elsewhere")
        if where == "outside"
        else world.base / ".modules"
    )
    home.mkdir(exist_ok=True)
    (world.lib / ".git").rename(home / "acmelib.git")
    (world.lib / ".git").write_text(f"gitdir: {home / 'acmelib.git'}\n")
    args = ["release", "tag", str(world.releases), "--base", "HEAD"]
    status = main([*args, "--git-base", str(world.base), "--format", "json"])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    tags = git(home / "acmelib.git", "tag", "-l")
    if where == "inside":
        assert (status, result["status"], tags) == (0, "created", "1.1.1")
        return
    assert status == 2
    assert result["status"] == "unusable"
    assert f"{world.lib / '.git'} leads to the repository" in result["detail"]
    assert str(home / "acmelib.git") in result["detail"]
    assert tags == ""
