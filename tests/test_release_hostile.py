"""The release commands that act (tag, branch, next, notes) on a deliverable
file they cannot read whole: refused at its file and line (exit 2), never
skipped as if it asked for nothing, and nothing done in git or on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.cli import main

from .release_world import World, git, make_world

PATH = "deliverables/2026.1/acmelib.yaml"

# (how the change breaks the file, the line the message names or None)
BROKEN = [
    pytest.param(lambda text: text + "  - version: [\n", 21, id="not-yaml"),
    pytest.param(lambda text: text.replace("team: acme", "team: a\0"), 4, id="nul"),
    pytest.param(
        lambda text: text + "  - version: 1.1.1\n    projects: 7\n", 20, id="schema"
    ),
    pytest.param(lambda text: "", None, id="empty"),
]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def _break(world: World, how: object) -> bytes:
    path = world.deliverable()
    text = path.read_text()
    assert callable(how)
    path.write_text(how(text))
    return path.read_bytes()


def _tags(world: World) -> str:
    return git(world.lib, "tag", "-l")


def _where(line: int | None) -> str:
    return PATH if line is None else f"{PATH}:{line}"


@pytest.mark.parametrize(("how", "line"), BROKEN)
@pytest.mark.parametrize("command", ["tag", "branch"])
def test_a_broken_request_is_refused_not_skipped(
    world: World,
    capsys: pytest.CaptureFixture[str],
    command: str,
    how: object,
    line: int | None,
) -> None:
    _break(world, how)
    args = ["release", command, str(world.releases), "--base", "HEAD"]
    assert main([*args, "--git-base", str(world.base)]) == 2
    err = capsys.readouterr().err
    assert _where(line) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _tags(world) == ""  # nothing tagged
    assert git(world.lib, "branch", "--list", "stable/*") == "stable/2026.1"


def test_a_broken_file_outside_the_change_does_not_stop_tagging(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    other = world.releases / "deliverables" / "2026.1" / "other.yaml"
    other.write_text("team: [\n")
    world.commit_releases("a broken file, already merged")
    world.request("2026.1", ("1.1.1", "s1"))
    args = ["release", "tag", str(world.releases), "--base", "HEAD"]
    assert main([*args, "--git-base", str(world.base)]) == 0
    assert "1.1.1" in _tags(world)
    capsys.readouterr()


def test_tag_without_base_refuses_any_broken_file(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    other = world.releases / "deliverables" / "2026.1" / "other.yaml"
    other.write_text("team: [\n")
    args = ["release", "tag", str(world.releases), "--git-base", str(world.base)]
    assert main(args) == 2
    assert "deliverables/2026.1/other.yaml:2" in capsys.readouterr().err
    assert _tags(world) == ""


@pytest.mark.parametrize(("how", "line"), BROKEN)
def test_next_names_the_broken_file_and_writes_nothing(
    world: World, capsys: pytest.CaptureFixture[str], how: object, line: int | None
) -> None:
    before = _break(world, how)
    args = ["release", "next", "acmelib", "bugfix", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 2
    err = capsys.readouterr().err
    assert _where(line) in err and "no deliverable" not in err
    assert world.deliverable().read_bytes() == before


@pytest.mark.parametrize(("how", "line"), BROKEN)
def test_notes_names_the_broken_file(
    world: World, capsys: pytest.CaptureFixture[str], how: object, line: int | None
) -> None:
    _break(world, how)
    args = ["release", "notes", "acmelib", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 2
    err = capsys.readouterr().err
    assert _where(line) in err and "no releases" not in err


def test_a_character_yaml_refuses_is_one_line_at_its_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(world, lambda text: text.replace("team: acme", "team: a\0"))
    args = ["release", "validate", str(world.releases), "--format", "json"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert '"line": 4' in out
    assert "<unicode string>" not in out and "\\n" not in out
