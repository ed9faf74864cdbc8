"""accord release branch (and run's branch step): each new branch entry made
in the deliverable's repositories at its location's commit, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.release.gitrepo import valid_branch_name

from .release_world import World, git, make_world

ENTRY = "branches:\n  - name: {name}\n    location: {location}\n"
WHERE = "deliverables/2026.1/acmelib.yaml:19"  # the entry's location line


def _with_branch(world: World, name: str, location: str = "1.1.0") -> None:
    """A change that adds a branch entry to a file that had none."""
    path = world.deliverable()
    text = path.read_text().partition("branches:\n")[0]
    path.write_text(text)
    world.commit_releases("no branch yet")
    path.write_text(text + ENTRY.format(name=name, location=location))
    world.commit_releases(f"branch {name}")


@pytest.fixture
def world(tmp_path: Path) -> World:
    """1.0.0 and 1.1.0 tagged; the library's old stable branch moved aside."""
    world = make_world(tmp_path)
    git(world.lib, "tag", "-a", "-m", "1.0.0", "1.0.0", world.commits["c0"])
    git(world.lib, "tag", "-a", "-m", "1.1.0", "1.1.0", world.commits["c1"])
    git(world.lib, "branch", "-m", "stable/2026.1", "work/stable")
    _with_branch(world, "stable/2026.1")
    return world


def _branch(
    world: World, capsys: pytest.CaptureFixture[str], *more: str
) -> tuple[int, list[dict[str, str]]]:
    args = ["release", "branch", str(world.releases), "--base", "HEAD~1"]
    status = main([*args, "--git-base", str(world.base), "--format", "json", *more])
    return status, json.loads(capsys.readouterr().out)["results"]


def test_creates_the_branch_once_then_finds_it_there(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (0, ["created"])
    assert results[0]["repo"] == "org/acmelib"
    assert git(world.lib, "rev-parse", "stable/2026.1") == world.commits["c1"]
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (0, ["exists"])


def test_a_branch_already_elsewhere_is_refused_at_the_entry(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "branch", "stable/2026.1", world.commits["s1"])
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (1, ["refused"])
    assert results[0]["detail"].startswith(f"{WHERE}: stable/2026.1 is already at")
    assert git(world.lib, "rev-parse", "stable/2026.1") == world.commits["s1"]


def test_an_untagged_location_is_refused(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "tag", "-d", "1.1.0")
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (1, ["refused"])
    assert "tag the release first" in results[0]["detail"]
    assert git(world.lib, "branch", "--list", "stable/*") == ""


def test_only_entries_the_change_adds(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.request("2026.1", ("1.1.1", "s1"))
    world.commit_releases("a release, no new branch")
    status, results = _branch(world, capsys)
    assert (status, results) == (0, [])


@pytest.mark.parametrize(
    "name",
    ["stable/..x", "-D", "stable/x.lock", "@{-1}", "HEAD", "a b", "x~1", "a\0b"],
)
def test_a_bad_branch_name_is_a_finding_and_never_made(
    world: World, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not valid_branch_name(name)
    _with_branch(world, json.dumps(name))
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (1, ["refused"])
    assert results[0]["detail"].startswith(WHERE)
    args = ["release", "validate", str(world.releases), "--base", "HEAD~1"]
    assert main([*args, "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("R017", 19)]
    assert git(world.lib, "branch", "--list") == "* main\n  work/stable"


def test_a_location_per_repository(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = world.commits["c0"]
    _with_branch(world, "bugfix/old", "\n      org/acmelib: " + sha)
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (0, ["created"])
    assert git(world.lib, "rev-parse", "bugfix/old") == sha
    _with_branch(world, "bugfix/short", "\n      org/acmelib: abc")
    status, results = _branch(world, capsys)
    assert status == 1 and "not a full commit hash" in results[0]["detail"]


def test_pushed_to_a_url_remote(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"file://{world.base}"
    more = ("--git-base", url, "--workdir", str(tmp_path / "w"))
    status, results = _branch(world, capsys, *more)
    assert (status, [r["status"] for r in results]) == (0, ["created"])
    assert git(world.lib, "rev-parse", "stable/2026.1") == world.commits["c1"]
    status, results = _branch(world, capsys, *more)
    assert (status, [r["status"] for r in results]) == (0, ["exists"])


def _run(world: World, tmp_path: Path) -> tuple[int, list[tuple[str, str]]]:
    from contextlib import redirect_stdout
    from io import StringIO

    args = [
        "release", "run", str(world.releases), "--base", "HEAD~1",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index", "--format", "json",
    ]  # fmt: skip
    buffer = StringIO()
    with redirect_stdout(buffer):
        status = main(args)
    results = json.loads(buffer.getvalue())["results"]
    return status, [(r["step"], r["status"]) for r in results]


def test_run_makes_the_branch_after_tagging_and_again_finds_it(
    world: World, tmp_path: Path
) -> None:
    assert _run(world, tmp_path) == (0, [("validate", "done"), ("branch", "done")])
    assert git(world.lib, "rev-parse", "stable/2026.1") == world.commits["c1"]
    assert _run(world, tmp_path) == (
        0,
        [("validate", "done"), ("branch", "already done")],
    )


def test_run_tags_the_new_release_then_branches_from_it(
    world: World, tmp_path: Path
) -> None:
    git(world.lib, "branch", "stable/2026.1", "work/stable")
    world.request("2026.1", ("1.1.1", "s1"), extra=ENTRY.format(
        name="stable/next", location="1.1.1"
    )[len("branches:\n"):])  # fmt: skip
    world.commit_releases("1.1.1 and its branch")
    status, steps = _run(world, tmp_path)
    assert status == 0, steps
    assert [s for s, _ in steps] == [
        "validate", "tag", "build", "publish", "announce", "hand-off", "branch",
    ]  # fmt: skip
    assert git(world.lib, "rev-parse", "stable/next") == world.commits["s1"]


def test_run_stops_at_a_conflicting_branch(world: World, tmp_path: Path) -> None:
    git(world.lib, "branch", "stable/2026.1", world.commits["s1"])
    assert _run(world, tmp_path) == (1, [("validate", "done"), ("branch", "failed")])


def test_a_location_no_git_could_take_is_no_traceback(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    path = world.deliverable()
    path.write_text(
        path.read_text().replace("version: 1.1.0", 'version: "1.1.0\\0"')
        .replace("location: 1.1.0", 'location: "1.1.0\\0"')
    )  # fmt: skip
    world.commit_releases("a NUL")
    status, results = _branch(world, capsys)
    assert (status, [r["status"] for r in results]) == (1, ["failed"])
    assert results[0]["detail"].startswith(WHERE)
