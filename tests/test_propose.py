"""accord propose, with real git: bare remotes on disk, no mocks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from accord.cli import main

from .test_check import GLOBAL, PINS

IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def make_remote(
    root: Path, name: str, files: dict[str, str], branches: tuple[str, ...] = ()
) -> None:
    seed = root / "seed" / name
    seed.mkdir(parents=True)
    git(seed, "init", "-q", "-b", "main")
    for path, text in files.items():
        (seed / path).write_text(text)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "initial")
    for branch in branches:
        git(seed, "branch", branch)
    bare = root / "remotes" / f"{name}"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(root, "clone", "-q", "--bare", str(seed), str(bare))


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path))  # no user git config leaks in
    make_remote(
        tmp_path,
        "org/a",
        {"requirements.txt": "# deps\nalembic>=1.0  # MIT\nPyYAML>=6.0\n"},
        branches=("stable/2026.1",),
    )
    make_remote(tmp_path, "org/b", {"requirements.txt": "alembic>=1.0,!=1.2.0\n"})
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "projects.txt").write_text("org/a\norg/b\norg/ghost\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "central")
    return tmp_path


def propose(
    world: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, dict[str, object]]]:
    code = main(
        [
            "propose",
            "--requirements", str(world / "requirements"),
            "--git-base", f"file://{world / 'remotes'}",
            "--workdir", str(world / "work"),
            "--format", "json",
            *extra,
        ]
    )  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    return code, {p["project"]: p for p in document["proposals"]}


def remote_tip(world: Path, name: str, branch: str) -> str | None:
    out = git(world, "ls-remote", str(world / "remotes" / name), f"refs/heads/{branch}")
    return out.split()[0] if out else None


def test_propose_push_is_idempotent_and_updates(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, proposals = propose(world, capsys, "--push", "--change-id")
    assert code == 1  # org/ghost does not exist
    assert {k: p["status"] for k, p in proposals.items()} == {
        "org/a": "new", "org/b": "none", "org/ghost": "failed",
    }  # fmt: skip
    assert proposals["org/a"]["files"] == ["requirements.txt"]
    assert remote_tip(world, "org/b", "accord/sync") is None
    tip = remote_tip(world, "org/a", "accord/sync")
    assert tip is not None
    bare = world / "remotes" / "org/a"
    message = git(bare, "log", "-1", "--format=%B", tip)
    central_sha = git(world / "requirements", "rev-parse", "HEAD")
    assert message.startswith("Updated from global requirements\n")
    assert "requirements.txt:2: alembic>=1.0 -> alembic>=1.0,!=1.2.0" in message
    assert f"Depends-On: {central_sha}" in message
    change_id = [
        line for line in message.splitlines() if line.startswith("Change-Id: I")
    ]
    assert len(change_id) == 1
    assert git(bare, "rev-parse", f"{tip}^") == git(bare, "rev-parse", "main")
    assert git(bare, "show", f"{tip}:requirements.txt") == (
        "# deps\nalembic>=1.0,!=1.2.0  # MIT\nPyYAML>=6.0"
    )

    # Again: the same content is already proposed, so nothing is pushed.
    code, proposals = propose(world, capsys, "--push", "--change-id")
    assert proposals["org/a"]["status"] == "unchanged"
    assert remote_tip(world, "org/a", "accord/sync") == tip

    # The central list moves: the proposal is replaced, same Change-Id.
    repo = world / "requirements"
    (repo / "global-requirements.txt").write_text(
        GLOBAL.replace("alembic!=1.2.0", "alembic!=1.2.0,!=1.3.0")
    )
    git(repo, "commit", "-q", "-am", "exclude alembic 1.3.0")
    code, proposals = propose(world, capsys, "--push", "--change-id")
    assert proposals["org/a"]["status"] == "updated"
    new_tip = remote_tip(world, "org/a", "accord/sync")
    assert new_tip != tip
    new_message = git(bare, "log", "-1", "--format=%B", str(new_tip))
    assert change_id[0] in new_message
    assert git(bare, "rev-parse", f"{new_tip}^") == git(bare, "rev-parse", "main")


def test_dry_run_changes_no_remote(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "propose",
            "--requirements", str(world / "requirements"),
            "--git-base", f"file://{world / 'remotes'}",
            "--workdir", str(world / "work"),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "+alembic>=1.0,!=1.2.0  # MIT" in out
    assert "dry run" in out
    assert remote_tip(world, "org/a", "accord/sync") is None


def test_stable_branch_maps_to_stable(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = world / "requirements"
    git(repo, "checkout", "-q", "-b", "stable/2026.1")
    (repo / "projects.txt").write_text("org/a\n")
    code, proposals = propose(world, capsys, "--push")
    assert code == 0
    assert proposals["org/a"]["branch"] == "stable/2026.1"
    bare = world / "remotes" / "org/a"
    tip = remote_tip(world, "org/a", "accord/sync")
    assert git(bare, "rev-parse", f"{tip}^") == git(bare, "rev-parse", "stable/2026.1")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--topic", "bad..name"], id="topic"),
        pytest.param(["--branch", "-x"], id="branch-option-injection"),
    ],
)
def test_hostile_names_are_refused(
    world: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code = main(
        [
            "propose",
            "--requirements",
            str(world / "requirements"),
            "--git-base",
            "file:///x",
            *args,
        ]
    )
    assert code == 2
    assert "not a valid branch name" in capsys.readouterr().err


def test_entries_cannot_escape_the_workdir(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "requirements" / "projects.txt").write_text("../../etc\norg/a\n")
    _, proposals = propose(world, capsys)
    assert proposals["../../etc"]["status"] == "failed"
    assert "not a safe repository name" in str(proposals["../../etc"]["message"])
    assert proposals["org/a"]["status"] == "new"
    assert not (world / "etc").exists()


def test_propose_clones_from_the_checkouts_fleet_reads(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --git-base an org/name entry comes from the origin remote of
    <workspace>/org/name, the checkout fleet checks; the checkout is only read."""
    checkout = world / "org" / "a"  # the workspace defaults to the repo's parent
    git(world, "clone", "-q", str(world / "remotes" / "org/a"), str(checkout))
    (checkout / "requirements.txt").write_text("work in progress\n")
    (world / "requirements" / "projects.txt").write_text("org/a\norg/b\n")
    code = main(
        [
            "propose",
            "--requirements", str(world / "requirements"),
            "--workdir", str(world / "work"),
            "--format", "json",
        ]
    )  # fmt: skip
    proposals = {
        p["project"]: p for p in json.loads(capsys.readouterr().out)["proposals"]
    }
    assert code == 1
    assert proposals["org/a"]["status"] == "new"
    assert proposals["org/a"]["files"] == ["requirements.txt"]
    assert proposals["org/b"]["status"] == "failed"  # no checkout, no --git-base
    assert "--git-base" in str(proposals["org/b"]["message"])
    assert (checkout / "requirements.txt").read_text() == "work in progress\n"


def test_help_tells_clones_from_checkouts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["propose", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--workdir DIRECTORY accord's own clones" in text
    assert "never your checkouts" in text
    assert "--workspace DIRECTORY Your checkouts, <workspace>/org/name" in text
