"""propose and every git call against hostile repositories (issue 12).

Each test builds the hostile repository for real in tmp_path and proves the
attack does nothing: no directory outside the workdir touched, no canary
script run, no secret printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.errors import InputError
from accord.vcs import remote
from accord.vcs.clones import clone_directory, clone_name, relative_entry

from . import test_propose
from .test_propose import git, make_remote, remote_tip

world = test_propose.world  # the fixture: org/a, org/b and a requirements repo

NEEDS_SYNC = "alembic>=1.0\n"


def propose(
    world: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, dict[str, object]], str]:
    code = main(
        [
            "propose",
            "--requirements", str(world / "requirements"),
            "--workdir", str(world / "work"),
            "--format", "json",
            "--jobs", "1",
            *extra,
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    if code == 2 and not captured.out.strip():  # refused before any project
        return code, {}, captured.err
    document = json.loads(captured.out)
    proposals = {str(p["project"]): p for p in document["proposals"]}
    return code, proposals, captured.out + captured.err


def base(world: Path) -> str:
    return f"--git-base=file://{world / 'remotes'}"


def set_projects(world: Path, text: str) -> None:
    (world / "requirements" / "projects.txt").write_text(text)


def canary(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A script that leaves a file behind if anything runs it."""
    fired = tmp_path / f"{name}-fired"
    script = tmp_path / f"{name}.sh"
    script.write_text(f"#!/bin/sh\ntouch '{fired}'\nexit 1\n")
    script.chmod(0o755)
    return script, fired


# -- containment -------------------------------------------------------------


def test_nested_entries_cannot_reach_outside_the_workdir(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue: 'org' commits a symlink a -> victim; 'org/a' used to clone
    into work/org/a, so its checkout --force and clean -fdx ran in victim."""
    victim = world / "victim"
    victim.mkdir()
    git(victim, "init", "-q", "-b", "main")
    (victim / "tracked.txt").write_text("mine\n")
    git(victim, "add", "-A")
    git(victim, "commit", "-q", "-m", "mine")
    (victim / "precious.txt").write_text("not committed yet\n")
    head = git(victim, "rev-parse", "HEAD")
    seed = world / "seed-nest"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    (seed / "a").symlink_to(victim)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "hostile symlink")
    git(world, "init", "-q", "--bare", "-b", "main", str(world / "remotes" / "nest"))
    git(seed, "push", "-q", str(world / "remotes" / "nest"), "main")
    make_remote(world, "nest/a", {"requirements.txt": NEEDS_SYNC})
    set_projects(world, "nest\nnest/a\n")

    for _ in range(2):
        code, proposals, _ = propose(world, capsys, base(world))
        assert code == 1
        assert {k: p["status"] for k, p in proposals.items()} == {
            "nest": "failed", "nest/a": "new",
        }  # fmt: skip
        # Its symlink leads out of its clone: refused before sync reads it.
        assert "outside the clone" in str(proposals["nest"]["message"])
    assert (victim / "precious.txt").read_text() == "not committed yet\n"
    assert git(victim, "rev-parse", "HEAD") == head
    assert git(victim, "status", "--porcelain") == "?? precious.txt"
    assert sorted(p.name for p in (world / "work").iterdir()) == ["nest", "nest%2Fa"]


def test_a_source_symlinked_out_of_the_clone_is_never_committed(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = world / "outside"
    outside.mkdir()
    secret = outside / "requirements.txt"
    secret.write_text(NEEDS_SYNC + "# token: s3cret\n")
    make_remote(world, "org/c", {"setup.py": ""})
    seed = world / "seed" / "org/c"
    (seed / "requirements.txt").symlink_to(secret)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "hostile symlink")
    git(seed, "push", "-q", str(world / "remotes" / "org/c"), "main")
    set_projects(world, "org/c\n")

    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert code == 1
    assert proposals["org/c"]["status"] == "failed"
    assert "outside the clone" in str(proposals["org/c"]["message"])
    assert remote_tip(world, "org/c", "accord/sync") is None
    assert secret.read_text() == NEEDS_SYNC + "# token: s3cret\n"
    assert "s3cret" not in out


def test_a_symlink_planted_in_the_workdir_is_refused(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = world / "victim"
    (victim / ".git").mkdir(parents=True)
    (world / "work").mkdir()
    (world / "work" / clone_name("org/a")).symlink_to(victim)
    set_projects(world, "org/a\norg/b\n")
    code, proposals, _ = propose(world, capsys, base(world))
    assert code == 1
    assert proposals["org/a"]["status"] == "failed"
    assert "symlink" in str(proposals["org/a"]["message"])
    assert proposals["org/b"]["status"] == "none"
    assert [p.name for p in victim.iterdir()] == [".git"]


@pytest.mark.parametrize(
    ("entry", "name"),
    [
        pytest.param("org/a", "org%2Fa", id="org-name"),
        pytest.param("./org//a", "org%2Fa", id="normalised"),
        pytest.param("a%2Fb", "a%252Fb", id="escape-is-one-to-one"),
        pytest.param(".hidden/x", "%2Ehidden%2Fx", id="no-dot-name"),
        pytest.param(
            "https://bot:s3cret@git.example.org/org/a",
            "https%3A%2F%2Fgit.example.org%2Forg%2Fa",
            id="url-without-credentials",
        ),
    ],
)
def test_clone_names_are_flat(entry: str, name: str) -> None:
    assert clone_name(entry) == name


def test_entries_sharing_their_last_parts_never_share_a_clone() -> None:
    assert clone_name("one/org/a") != clone_name("two/org/a")
    assert len(clone_name("x/" * 300 + "a")) <= 200


@pytest.mark.parametrize("entry", ["..", "org/../../etc", "/etc", "-upload", "a\\b"])
def test_unsafe_relative_entries_are_refused(entry: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a safe repository name"):
        relative_entry(entry)
    if not entry.startswith("/"):
        with pytest.raises(InputError):
            clone_directory(tmp_path, entry)


# -- git hardened ------------------------------------------------------------


def signed_head(repo: Path) -> None:
    """Make HEAD a commit carrying a (bogus) PGP signature."""
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    body = (
        f"tree {tree}\nauthor t <t@e> 1700000000 +0000\n"
        "committer t <t@e> 1700000000 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n"
        " -----END PGP SIGNATURE-----\n\nsigned\n"
    )
    commit = repo / "commit.txt"
    commit.write_text(body)
    sha = git(repo, "hash-object", "-t", "commit", "-w", str(commit))
    commit.unlink()
    git(repo, "update-ref", "HEAD", sha)


def test_check_never_runs_the_projects_gpg_program(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, fired = canary(world, "gpg")
    project = world / "proj"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    (project / "requirements.txt").write_text("alembic>=1.0,!=1.2.0\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "base")
    signed_head(project)
    git(project, "config", "log.showSignature", "true")
    git(project, "config", "gpg.program", str(script))
    git(project, "config", "core.fsmonitor", str(script))
    assert git(project, "log", "-1", "--format=%B") == "signed"
    assert fired.exists()  # the canary works: plain git runs it
    fired.unlink()
    code = main(["check", str(project), "--requirements", str(world / "requirements")])
    capsys.readouterr()
    assert code == 0
    assert not fired.exists()


def test_propose_runs_no_hook_and_no_fsmonitor_of_the_clone(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\n")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    script, fired = canary(world, "hook")
    clone = clone_directory(world / "work", "org/a")
    for hook in ("post-checkout", "pre-commit", "commit-msg", "post-commit"):
        (clone / ".git" / "hooks" / hook).symlink_to(script)
    git(clone, "config", "core.fsmonitor", str(script))
    git(clone, "config", "log.showSignature", "true")
    git(clone, "config", "gpg.program", str(script))
    code, proposals, _ = propose(world, capsys, base(world), "--push")
    assert code == 0
    assert proposals["org/a"]["status"] == "new"
    assert not fired.exists()


def test_remote_helper_urls_are_refused(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, fired = canary(world, "ext")
    set_projects(world, f"ext::{script} %S\norg/a\n")
    code, proposals, _ = propose(world, capsys, base(world))
    assert code == 1
    failed = proposals[f"ext::{script} %S"]
    assert failed["status"] == "failed"
    assert "remote helper" in str(failed["message"])
    assert proposals["org/a"]["status"] == "new"
    code, _, err = propose(world, capsys, f"--git-base=ext::{script} %S")
    assert code == 2
    assert "remote helper" in err
    # And git itself refuses the transport, whoever asks.
    with pytest.raises(remote.GitError, match="not allowed"):
        remote.git("clone", "-q", f"ext::{script} %S", str(world / "x"))
    assert not fired.exists()


# -- secrets -----------------------------------------------------------------

SECRET_URL = "https://bot:s3cret@127.0.0.1:9/org/a"


@pytest.mark.parametrize("output_format", ["json", "table"])
def test_credentials_in_urls_are_never_printed(
    world: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    set_projects(world, f"{SECRET_URL}\norg/b\n")
    args = [
        "propose",
        "--requirements", str(world / "requirements"),
        "--workdir", str(world / "work"),
        "--git-base", "https://bot:s3cret@127.0.0.1:9/",
        "--format", output_format,
    ]  # fmt: skip
    assert main(args) == 1
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert "s3cret" not in printed
    assert "bot" not in printed
    assert "https://***@127.0.0.1:9/org/a" in printed
    assert not any("s3cret" in p.name for p in (world / "work").iterdir())
    assert main([*args, "--push-url", "https://bot:s3cret@h/{nope}"]) == 2
    assert "s3cret" not in capsys.readouterr().err


def test_passwords_are_redacted() -> None:
    text = "fatal: unable to access 'https://bot:s3cret@git.example.org/org/a/'"
    assert remote.redact(text) == (
        "fatal: unable to access 'https://***@git.example.org/org/a/'"
    )
    assert remote.redact("git@github.com:org/a") == "git@github.com:org/a"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["validate"], id="validate"),
        pytest.param(["fleet", "check"], id="fleet"),
        pytest.param(["who-uses", "alembic"], id="who-uses"),
    ],
)
@pytest.mark.parametrize("output_format", ["json", "table"])
def test_credentials_in_projects_txt_are_masked_by_every_command(
    world: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    output_format: str,
) -> None:
    set_projects(world, f"{SECRET_URL}\n{SECRET_URL}\n")  # twice: G013 names it
    args = [*command, "--requirements", str(world / "requirements")]
    if output_format == "json":
        args += ["--format", "json"]
    main(args)
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err
    if command[0] != "who-uses":
        assert "https://***@127.0.0.1:9/org/a" in captured.out


def test_two_entries_for_one_clone_are_not_both_run(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Entries that differ only in credentials would share a clone."""
    first, second = "https://a@127.0.0.1:9/org/a", "https://b@127.0.0.1:9/org/a"
    set_projects(world, f"{first}\n{second}\n")
    args = ["propose", "--requirements", str(world / "requirements"),
            "--workdir", str(world / "work"), "--format", "json"]  # fmt: skip
    assert main(args) == 1
    proposals = json.loads(capsys.readouterr().out)["proposals"]
    assert [p["message"] for p in proposals][1] == (
        "its clone would be the one of https://***@127.0.0.1:9/org/a; "
        "remove one of them"
    )
