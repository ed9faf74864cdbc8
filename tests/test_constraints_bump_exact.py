"""constraints bump NAME==VERSION, --branch, --from-tag, --wait, the strict
stable policy and the cooldown, against a local index (no network)."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main

from .indexserver import Release, TestIndex, index_fixture
from .osvserver import FakeOsv

__all__ = ["index_fixture"]

OLD = "2024-01-01"
YESTERDAY = (
    datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
).strftime("%Y-%m-%dT%H:%M:%S")

PINS = "# Our pins.\norglib===2.0.0\ngamma===1.0\ndelta===1.1\n"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def osv() -> Iterator[FakeOsv]:
    with FakeOsv() as server:
        yield server


@pytest.fixture
def index(
    test_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    osv: FakeOsv,
) -> TestIndex:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    test_index.add(
        "orglib",
        [
            Release("2.0.0", OLD),
            Release("2.1.0", OLD, requires_python=">=3.11"),
            Release("3.0.0", OLD, requires_dist=["gamma>=2"]),
        ],
    )
    test_index.add("gamma", [Release("1.0", OLD), Release("2.0", OLD)])
    test_index.add("delta", [Release("1.1", OLD), Release("1.2", OLD)])
    # The cooldown asks OSV which pins are vulnerable: never the network.
    monkeypatch.setattr("accord.audit.osv.DEFAULT_OSV_URL", osv.url)
    return test_index


def make_repo(tmp_path: Path, index: TestIndex, config: str = "") -> Path:
    """A requirements repo in git: master, and stable/2026.1 branched off."""
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(
        "orglib  # Apache-2.0\ngamma  # MIT\ndelta  # MIT\n"
    )
    (repo / "projects.txt").write_text("org/orglib\n")
    (repo / "accord.toml").write_text(
        'python-versions = ["3.10", "3.12"]\n'
        f'[index]\nurl = "{index.simple_url}"\n' + config
    )
    (repo / "upper-constraints.txt").write_text(PINS)
    _git(repo, "init", "-q", "-b", "master")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "branch", "stable/2026.1")
    return repo


def bump(
    repo: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any], str]:
    """The exit status, the JSON report ({} if none) and stderr."""
    code = main(
        ["constraints", "bump", "--requirements", str(repo), "--format", "json", *args]
    )
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def test_exact_bump_on_stable_moves_nothing_else_while_master_takes_the_newest(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    _git(repo, "checkout", "-q", "stable/2026.1")
    code, document, err = bump(repo, capsys, "orglib==2.1.0")
    assert code == 0, (document, err)
    # 2.1.0 needs Python 3.11: 3.10 keeps its pin, and the output says so.
    assert (repo / "upper-constraints.txt").read_text() == (
        "# Our pins.\n"
        "delta===1.1\n"
        "gamma===1.0\n"
        "orglib===2.0.0;python_version<'3.12'\n"
        "orglib===2.1.0;python_version>='3.12'\n"
    )
    assert [(c["name"], c["python"], c["new"]) for c in document["changes"]] == [
        ("orglib", "3.12", "2.1.0")
    ]
    assert any("not on Python 3.10" in note for note in document["notes"])
    # On master the newest: orglib 3.0.0, which needs gamma>=2; that move is
    # listed as one nobody named. delta stays: nothing needs it to move.
    _git(repo, "checkout", "-q", "-f", "master")
    code, document, err = bump(repo, capsys, "orglib")
    assert code == 0, (document, err)
    text = (repo / "upper-constraints.txt").read_text()
    assert "orglib===3.0.0\n" in text and "gamma===2.0\n" in text
    assert "delta===1.1\n" in text
    assert any(
        note.startswith("also moved") and "gamma: 1.0 -> 2.0" in note
        for note in document["notes"]
    )


def test_stable_refuses_a_release_that_would_move_another_pin(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    _git(repo, "checkout", "-q", "stable/2026.1")
    code, document, err = bump(repo, capsys, "orglib==3.0.0")
    assert code == 1
    reason = document["failures"][0]["reason"]
    assert "gamma===1.0 (upper-constraints.txt:3)" in reason  # the pin that blocks
    assert "gamma>=2" in reason  # and what requires more
    assert (repo / "upper-constraints.txt").read_text() == PINS  # nothing written
    code, document, err = bump(repo, capsys, "orglib==3.0.0", "--force")
    assert code == 0, (document, err)
    assert "gamma===2.0\n" in (repo / "upper-constraints.txt").read_text()
    assert any("gamma: 1.0 -> 2.0" in note for note in document["notes"])


def test_a_third_party_exact_bump_on_stable_needs_force(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    code, _, err = bump(repo, capsys, "delta==1.2", "--stable")
    assert code == 2
    assert "not one" in err


def test_branch_must_be_checked_out_unless_proposed(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    code, _, err = bump(repo, capsys, "orglib==2.1.0", "--branch", "stable/2026.1")
    assert code == 2
    assert "is on master, not stable/2026.1" in err
    code, document, err = bump(
        repo, capsys, "orglib==2.1.0", "--branch", "stable/2026.1", "--propose"
    )
    assert code == 0, (document, err)
    assert (repo / "upper-constraints.txt").read_text() == PINS  # master's checkout
    stable = _git(repo, "show", "stable/2026.1:upper-constraints.txt")
    assert "orglib===2.1.0;python_version>='3.12'" in stable
    assert "gamma===1.0" in stable and "delta===1.1" in stable
    assert _git(repo, "log", "-1", "--format=%s", "stable/2026.1") == (
        "Bump orglib to 2.1.0"
    )
    assert _git(repo, "worktree", "list").count("\n") == 0  # cleaned up


def make_library(tmp_path: Path, setup_cfg: bool = False) -> Path:
    """orglib's repo: 2.0.0 on master, 2.1.0 tagged on stable/2026.1."""
    lib = tmp_path / "orglib"
    lib.mkdir()
    if setup_cfg:
        (lib / "setup.cfg").write_text("[metadata]\nname = orglib\n")
    else:
        (lib / "pyproject.toml").write_text('[project]\nname = "orglib"\n')
    (lib / "setup.py").write_text("raise SystemExit('never run')\n")
    _git(lib, "init", "-q", "-b", "master")
    _git(lib, "add", ".")
    _git(lib, "commit", "-q", "-m", "2.0.0")
    _git(lib, "tag", "2.0.0")
    _git(lib, "checkout", "-q", "-b", "stable/2026.1")
    (lib / "fix.txt").write_text("a fix\n")
    _git(lib, "add", ".")
    _git(lib, "commit", "-q", "-m", "fix")
    _git(lib, "tag", "2.1.0")
    _git(lib, "checkout", "-q", "master")
    return lib


@pytest.mark.parametrize("setup_cfg", [False, True], ids=["pyproject", "setup.cfg"])
def test_from_tag_reads_name_version_and_branch(
    tmp_path: Path,
    index: TestIndex,
    capsys: pytest.CaptureFixture[str],
    setup_cfg: bool,
) -> None:
    from accord.vcs.tags import read_tag

    lib = make_library(tmp_path, setup_cfg)
    release = read_tag(lib, "2.1.0")
    assert (release.name, str(release.version), release.branch) == (
        "orglib",
        "2.1.0",
        "stable/2026.1",
    )
    assert read_tag(lib, "2.0.0").branch == "master"
    if setup_cfg:
        return
    repo = make_repo(tmp_path, index)
    code, document, err = bump(
        repo, capsys, "--from-tag", str(lib), "2.1.0", "--propose"
    )
    assert code == 0, (document, err)
    stable = _git(repo, "show", "stable/2026.1:upper-constraints.txt")
    assert "orglib===2.1.0;python_version>='3.12'" in stable
    assert _git(repo, "show", "master:upper-constraints.txt") + "\n" == PINS


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        pytest.param("9.9.9", "has no tag", id="missing"),
        pytest.param("-x", "expected 2 arguments", id="option-like"),
    ],
)
def test_from_tag_bad_input(
    tmp_path: Path,
    index: TestIndex,
    capsys: pytest.CaptureFixture[str],
    tag: str,
    message: str,
) -> None:
    lib = make_library(tmp_path)
    _git(lib, "tag", "not-a-version")
    repo = make_repo(tmp_path, index)
    code, _, err = bump(repo, capsys, "--from-tag", str(lib), tag)
    assert code == 2 and message in err
    code, _, err = bump(repo, capsys, "--from-tag", str(lib), "not-a-version")
    assert code == 2 and "not a PEP 440 version" in err


def test_wait_fails_clearly_when_the_release_does_not_appear(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    code, _, err = bump(repo, capsys, "orglib==2.2.0", "--wait", "0.2")
    assert code == 1
    assert "orglib 2.2.0 did not appear on" in err
    code, document, _ = bump(repo, capsys, "orglib==2.1.0", "--wait", "5")
    assert code == 0, (document, err)


def test_cooldown_holds_back_a_release_uploaded_yesterday(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    index.add("delta", [Release("1.1", OLD), Release("1.2", YESTERDAY)])
    index.add(
        "orglib",
        [Release("2.0.0", OLD), Release("2.2.0", YESTERDAY)],
    )
    repo = make_repo(tmp_path, index, '[policy]\ncooldown = "7 days"\n')
    code, document, err = bump(repo, capsys, "delta", "orglib")
    assert code == 0, (document, err)
    text = (repo / "upper-constraints.txt").read_text()
    # The third-party release waits; the organisation's own does not.
    assert "delta===1.1\n" in text and "orglib===2.2.0\n" in text
    held = [n for n in document["notes"] if n.startswith("held back")]
    assert len(held) == 1 and "delta 1.2 (uploaded " in held[0]
    assert "taken from" in held[0]
    # verify warns on a pin younger than the cooldown (V007).
    (repo / "upper-constraints.txt").write_text(text.replace("1.1", "1.2"))
    assert (
        main(["constraints", "verify", "--requirements", str(repo), "--format", "json"])
        == 0
    )
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("V007", 2)]
    # With no cooldown the release is taken.
    (repo / "accord.toml").write_text(
        (repo / "accord.toml").read_text().replace("7 days", "0 days")
    )
    (repo / "upper-constraints.txt").write_text(text)
    code, document, err = bump(repo, capsys, "delta")
    assert code == 0, (document, err)
    assert "delta===1.2\n" in (repo / "upper-constraints.txt").read_text()


def test_cooldown_exempt_release_is_taken_at_once(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    index.add("delta", [Release("1.1", OLD), Release("1.2", YESTERDAY)])
    repo = make_repo(
        tmp_path,
        index,
        '[policy]\ncooldown = "7 days"\n[[policy.cooldown-exempt]]\n'
        'name = "delta"\nversion = "1.2"\nreason = "fixes CVE-2026-1 of 1.1"\n',
    )
    code, document, err = bump(repo, capsys, "delta")
    assert code == 0, (document, err)
    assert "delta===1.2\n" in (repo / "upper-constraints.txt").read_text()


@pytest.mark.parametrize(
    ("policy", "line", "message"),
    [
        pytest.param('cooldown = "soon"', 5, "not a duration", id="duration"),
        pytest.param("cooldown = 7", 5, "not a duration", id="number"),
        pytest.param("stable-branch = []", 5, "unknown key", id="unknown"),
        pytest.param('stable-branches = "stable/*"', 5, "list of strings", id="type"),
    ],
)
def test_policy_errors_name_the_line(
    tmp_path: Path,
    index: TestIndex,
    capsys: pytest.CaptureFixture[str],
    policy: str,
    line: int,
    message: str,
) -> None:
    repo = make_repo(tmp_path, index, f"[policy]\n{policy}\n")
    code, _, err = bump(repo, capsys, "delta")
    assert code == 2
    assert f"accord.toml:{line}" in err and message in err


def test_generate_takes_no_release_younger_than_the_cooldown(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    index.add("delta", [Release("1.1", OLD), Release("1.2", YESTERDAY)])
    index.add("orglib", [Release("2.0.0", OLD), Release("2.2.0", YESTERDAY)])
    repo = make_repo(tmp_path, index, '[policy]\ncooldown = "7 days"\n')
    (repo / "upper-constraints.txt").write_text("# Our pins.\n")
    base = ["constraints", "generate", "--requirements", str(repo)]
    assert main([*base, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    text = (repo / "upper-constraints.txt").read_text()
    assert "delta===1.1\n" in text and "orglib===2.2.0\n" in text
    assert [n for n in document["notes"] if "delta 1.2" in n]
    # The table says it too, with the day it may be taken.
    (repo / "upper-constraints.txt").write_text("# Our pins.\n")
    assert main([*base, "--refresh"]) == 0
    out = capsys.readouterr().out
    assert "held back by the cooldown: delta 1.2 (uploaded " in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("oslo.config", None, id="bare"),
        pytest.param("oslo.config==9.4.0", "oslo.config==9.4.0", id="exact"),
        pytest.param("Oslo_Config===9.4", "Oslo_Config==9.4", id="as-pinned"),
    ],
)
def test_parse_target(text: str, expected: str | None) -> None:
    from accord.resolve.exact import parse_target

    target = parse_target(text)
    assert (None if target is None else str(target)) == expected


@pytest.mark.parametrize(
    "text", ["a>=1", "a==1.*", "a[x]==1", "a==1;python_version<'3'", "a==x y"]
)
def test_parse_target_refuses_anything_but_one_release(text: str) -> None:
    from accord.errors import InputError
    from accord.resolve.exact import parse_target

    with pytest.raises(InputError, match="NAME==VERSION"):
        parse_target(text)


def test_bump_propose_runs_nothing_the_requirements_repo_configures(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    (repo / ".gitattributes").write_text("* filter=x\n")
    _git(repo, "add", ".gitattributes")
    _git(repo, "commit", "-q", "-m", "attributes")
    _git(repo, "branch", "-f", "stable/2026.1")
    fired = tmp_path / "fired"
    script = tmp_path / "canary.sh"
    script.write_text(f"#!/bin/sh\ntouch '{fired}'\nexit 1\n")
    script.chmod(0o755)
    for key in ("filter.x.clean", "filter.x.smudge", "gpg.program", "core.fsmonitor"):
        _git(repo, "config", key, str(script))
    _git(repo, "config", "filter.x.required", "true")
    _git(repo, "config", "commit.gpgSign", "true")
    (repo / ".git/hooks/post-checkout").symlink_to(script)
    _git(repo, "config", "hook.canary.command", str(script))  # git 2.54
    for event in ("post-checkout", "post-commit", "reference-transaction"):
        _git(repo, "config", "--add", "hook.canary.event", event)
    code, document, err = bump(
        repo, capsys, "orglib==2.1.0", "--branch", "stable/2026.1", "--propose"
    )
    assert not fired.exists()
    assert code == 0, (document, err)
    stable = _git(repo, "show", "stable/2026.1:upper-constraints.txt")
    assert "orglib===2.1.0" in stable


def test_bump_propose_on_a_branch_checked_out_elsewhere_says_where(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    other = tmp_path / "other"
    _git(repo, "worktree", "add", "-q", str(other), "stable/2026.1")
    before = _git(repo, "rev-parse", "stable/2026.1")
    code, _, err = bump(
        repo, capsys, "orglib==2.1.0", "--branch", "stable/2026.1", "--propose"
    )
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{repo}: cannot check stable/2026.1 out" in err
    assert str(other) in err
    assert _git(repo, "rev-parse", "stable/2026.1") == before


def test_bump_propose_refuses_a_detached_head_or_an_edited_file(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    head = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "--detach")
    code, _, err = bump(repo, capsys, "orglib==2.1.0", "--propose")
    assert code == 2
    assert f"{repo} is on no branch (a detached HEAD)" in err
    assert _git(repo, "rev-parse", "HEAD") == head
    _git(repo, "checkout", "-q", "master")
    edited = PINS + "mine===1.0\n"
    (repo / "upper-constraints.txt").write_text(edited)
    code, _, err = bump(repo, capsys, "orglib==2.1.0", "--propose")
    assert code == 2
    assert "upper-constraints.txt has uncommitted changes" in err
    assert (repo / "upper-constraints.txt").read_text() == edited
    assert _git(repo, "rev-parse", "HEAD") == head


@pytest.mark.parametrize("propose", [False, True])
def test_bump_never_writes_through_a_constraints_link_out_of_the_repo(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str], propose: bool
) -> None:
    repo = make_repo(tmp_path, index)
    outside = tmp_path / "outside.txt"
    outside.write_text(PINS)
    (repo / "upper-constraints.txt").unlink()
    (repo / "upper-constraints.txt").symlink_to(outside)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "linked")
    head = _git(repo, "rev-parse", "HEAD")
    code, _, err = bump(repo, capsys, "orglib==2.1.0", *(["--propose"] * propose))
    assert outside.read_text() == PINS
    assert _git(repo, "rev-parse", "HEAD") == head
    assert code == 2
    assert "Traceback" not in err


def test_bump_propose_in_a_repo_whose_git_file_leads_nowhere_says_so(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, index)
    shutil.rmtree(repo / ".git")
    (repo / ".git").write_text(f"gitdir: {tmp_path / 'gone'}\n")
    code, _, err = bump(repo, capsys, "orglib==2.1.0", "--propose")
    assert code == 2
    assert f"--propose cannot commit in {repo}: git rev-parse failed" in err
    assert "not a git repository" in err
    assert (repo / "upper-constraints.txt").read_text() == PINS


def test_bump_propose_never_commits_where_a_git_file_leads_out_of_the_workspace(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    index: TestIndex,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = make_repo(tmp_path, index)
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "dotfiles.git"
    (repo / ".git").rename(elsewhere)
    (repo / ".git").write_text(f"gitdir: {elsewhere}\n")
    head = _git(repo, "rev-parse", "HEAD")
    code, _, err = bump(repo, capsys, "orglib==2.1.0", "--propose")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{repo / '.git'} leads to the repository {elsewhere}" in err
    assert _git(repo, "rev-parse", "HEAD") == head
    assert (repo / "upper-constraints.txt").read_text() == PINS


def test_bump_propose_in_a_worktree_beside_its_repository_commits(
    tmp_path: Path, index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worktree's repository is elsewhere, and legitimately so: beside
    the requirements checkout (in its workspace) it takes the commit."""
    main_repo = tmp_path / "main"
    (make_repo(tmp_path, index)).rename(main_repo)
    _git(main_repo, "checkout", "-q", "--detach")
    _git(main_repo, "worktree", "add", "-q", str(tmp_path / "requirements"), "master")
    code, document, err = bump(
        tmp_path / "requirements", capsys, "orglib==2.1.0", "--propose"
    )
    assert code == 0, (document, err)
    assert "orglib===2.1.0" in _git(main_repo, "show", "master:upper-constraints.txt")
