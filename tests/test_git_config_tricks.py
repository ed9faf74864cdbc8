"""Every repository setting that makes git run a program, planted for real
where accord runs git (its clone of a project, the bare remote it pushes to,
the requirements repo ``constraints bump --propose`` commits in), each with a
canary script: the proposal still goes through and the canary never runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from accord.vcs.clones import clone_directory

from . import test_propose
from .test_propose import git, remote_tip
from .test_propose_security import base, canary, propose, set_projects

world = test_propose.world

# (key, value) pairs for the clone's .git/config; {s} is the canary script.
CLONE_TRICKS: dict[str, list[tuple[str, str]]] = {
    "gpg-sign": [("commit.gpgSign", "true"), ("gpg.program", "{s}")],
    "ssh-sign": [
        ("commit.gpgSign", "true"),
        ("gpg.format", "ssh"),
        ("gpg.ssh.program", "{s}"),
        ("gpg.ssh.defaultKeyCommand", "{s}"),
    ],
    "filter": [("filter.x.clean", "{s}"), ("filter.x.smudge", "{s}"),
               ("filter.x.required", "true")],
    "filter-process": [("filter.x.process", "{s}")],
    "textconv": [("diff.x.textconv", "{s}"), ("diff.x.command", "{s}")],
    "diff-external": [("diff.external", "{s}")],
    "editor": [("core.editor", "{s}"), ("sequence.editor", "{s}")],
    "askpass": [("core.askPass", "{s}")],
    "ssh-command": [("core.sshCommand", "{s}")],
    "credential": [("credential.helper", "!{s}")],
    "upload-pack": [("remote.origin.uploadpack", "{s}")],
    "receive-pack": [("remote.origin.receivepack", "{s}")],
    "hooks-path": [("core.hooksPath", "{hooks}")],
    "fsmonitor": [("core.fsmonitor", "{s}")],
    "pager": [("core.pager", "{s}"), ("pager.log", "{s}")],
    "alternate-refs": [
        ("core.alternateRefsCommand", "{s}"),
        ("core.alternateRefsPrefixes", "refs/heads"),
    ],
    # git 2.54 runs hooks named in configuration (hook.<name>.command, run
    # on each hook.<name>.event); an older git ignores these keys.
    "config-hook": [
        ("hook.canary.command", "{s}"),
        *(("hook.canary.event", event) for event in (
            "pre-commit", "prepare-commit-msg", "commit-msg", "post-commit",
            "post-checkout", "pre-push", "reference-transaction",
            "post-index-change", "post-rewrite")),
    ],
    "insteadof-ext": [
        ("protocol.ext.allow", "always"),
        ("url.ext::{s} %S .insteadOf", "file://"),
    ],
}  # fmt: skip


def plant(world: Path, repo: Path, trick: str) -> Path:
    script, fired = canary(world, trick)
    hooks = world / f"{trick}-hooks"
    hooks.mkdir()
    for hook in ("pre-commit", "commit-msg", "post-commit", "post-checkout",
                 "prepare-commit-msg", "pre-push", "reference-transaction",
                 "post-rewrite", "post-index-change"):  # fmt: skip
        (hooks / hook).symlink_to(script)
    if trick == "alternate-refs":  # another repository's objects, borrowed
        alternates = repo / ".git/objects/info/alternates"
        alternates.write_text(f"{world / 'remotes/org/b/objects'}\n")
    for key, value in CLONE_TRICKS[trick]:
        git(repo, "config", "--add", key.format(s=script),
            value.format(s=script, hooks=hooks))  # fmt: skip
    return fired


@pytest.mark.parametrize("trick", sorted(CLONE_TRICKS))
def test_no_setting_of_the_clone_runs_a_program(
    world: Path, capsys: pytest.CaptureFixture[str], trick: str
) -> None:
    set_projects(world, "org/a\n")
    # Every file goes through the filter and the diff driver.
    (world / "seed" / "org/a" / ".gitattributes").write_text("* filter=x diff=x\n")
    git(world / "seed" / "org/a", "add", "-A")
    git(world / "seed" / "org/a", "commit", "-q", "-m", "attributes")
    git(world / "seed" / "org/a", "push", "-q", str(world / "remotes/org/a"), "main")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    clone = clone_directory(world / "work", "org/a")
    fired = plant(world, clone, trick)
    (clone / "requirements.txt").write_text("dirty\n")
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert not fired.exists(), out
    if trick == "insteadof-ext":  # git refuses the transport, and says so
        assert code == 1
        assert "transport 'ext' not allowed" in str(proposals["org/a"]["message"])
        return
    assert code == 0, out
    assert proposals["org/a"]["status"] == "new"
    assert remote_tip(world, "org/a", "accord/sync") == proposals["org/a"]["commit"]


@pytest.mark.parametrize("hook", ["pre-receive", "update", "post-receive",
                                  "post-update", "reference-transaction"])  # fmt: skip
def test_a_local_remotes_hooks_do_not_run_on_push(
    world: Path, capsys: pytest.CaptureFixture[str], hook: str
) -> None:
    set_projects(world, "org/a\n")
    script, fired = canary(world, hook)
    (world / "remotes/org/a/hooks" / hook).symlink_to(script)
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert not fired.exists(), out
    assert code == 0, out
    assert remote_tip(world, "org/a", "accord/sync") == proposals["org/a"]["commit"]


@pytest.mark.parametrize("name", ["canary", "a=b"])
def test_a_local_remotes_configured_hooks_do_not_run_on_push(
    world: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """git 2.54 runs the hooks a repository's configuration names: a remote
    on this machine runs its receive-pack here, with its own config."""
    set_projects(world, "org/a\n")
    script, fired = canary(world, "remote-config-hook")
    bare = world / "remotes/org/a"
    git(bare, "config", f"hook.{name}.command", str(script))
    for event in ("pre-receive", "update", "post-receive", "post-update",
                  "reference-transaction"):  # fmt: skip
        git(bare, "config", "--add", f"hook.{name}.event", event)
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert not fired.exists(), out
    assert code == 0, out
    assert remote_tip(world, "org/a", "accord/sync") == proposals["org/a"]["commit"]


# -- repositories in unusual states -----------------------------------------


def test_an_empty_or_detached_remote_or_a_missing_branch_is_named(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world, "init", "-q", "--bare", str(world / "remotes/org/empty"))
    detached = world / "remotes/org/detached"
    git(world, "clone", "-q", str(world / "seed/org/a"), str(detached))
    git(detached, "checkout", "-q", "--detach")
    set_projects(world, "org/empty\norg/detached\norg/a\n")
    code, proposals, _ = propose(world, capsys, base(world))
    assert code == 1
    assert proposals["org/empty"]["message"] == (
        "the remote has no commits (an empty repository)"
    )
    assert "HEAD is detached" in str(proposals["org/detached"]["message"])
    assert "--branch" in str(proposals["org/detached"]["message"])
    assert proposals["org/a"]["status"] == "new"
    code, proposals, _ = propose(world, capsys, base(world), "--branch", "nope")
    assert code == 1
    assert proposals["org/a"]["message"] == "the remote has no branch 'nope'"
    assert proposals["org/empty"]["message"] == "the remote has no branch 'nope'"


def test_a_clone_configured_to_work_elsewhere_is_refused_untouched(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\n")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    clone = clone_directory(world / "work", "org/a")
    elsewhere = world / "elsewhere"
    elsewhere.mkdir()
    git(clone, "config", "core.worktree", str(elsewhere))
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert list(elsewhere.iterdir()) == [], out
    assert code == 1
    assert proposals["org/a"]["status"] == "failed"
    assert "not the top of its git work tree" in str(proposals["org/a"]["message"])
    assert remote_tip(world, "org/a", "accord/sync") is None


# -- release's repositories --------------------------------------------------


def test_release_archives_tags_and_pushes_without_running_the_repos_programs(
    world: Path,
) -> None:
    from accord.release.gitrepo import LocalRepo

    seed = world / "seed/org/a"
    (seed / ".gitattributes").write_text("* filter=x\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "attributes")
    git(seed, "push", "-q", str(world / "remotes/org/a"), "main")
    clone = world / "release-clone"
    git(world, "clone", "-q", str(world / "remotes/org/a"), str(clone))
    script, fired = canary(world, "release")
    for key in ("filter.x.smudge", "filter.x.clean", "gpg.program",
                "remote.origin.receivepack"):  # fmt: skip
        git(clone, "config", key, str(script))
    git(clone, "config", "filter.x.required", "true")
    git(clone, "config", "tag.gpgSign", "true")
    git(clone, "config", "hook.canary.command", str(script))  # git 2.54
    for event in ("reference-transaction", "pre-push", "post-checkout"):
        git(clone, "config", "--add", "hook.canary.event", event)
    (world / "remotes/org/a/hooks/pre-receive").symlink_to(script)
    repo = LocalRepo(clone, remote=True)
    sha = git(clone, "rev-parse", "main")
    repo.archive(sha, world / "tree")
    assert (world / "tree/requirements.txt").read_text().startswith("# deps")
    repo.create_tag("1.0.0", sha, "release 1.0.0", None)
    assert not fired.exists()
    assert git(world / "remotes/org/a", "rev-parse", "1.0.0^{commit}") == sha


def test_a_repositorys_credential_helper_is_dropped_and_the_users_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.vcs.hardening import repository_settings

    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".gitconfig").write_text("[credential]\n\thelper = store\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert repository_settings(repo, "push") == ()  # the user's helper alone
    git(repo, "config", "credential.https://h.example.helper", "!touch fired")
    assert repository_settings(repo, "push") == (
        "-c", "credential.helper=", "-c", "credential.helper=store",
    )  # fmt: skip
    assert repository_settings(repo, "rev-parse") == ()  # never asks
    # git asks the user's helper only: the repository's never runs.
    from accord.vcs.hardening import batch_environment, git_command

    def fill(*settings: str) -> None:
        subprocess.run(
            git_command("-C", str(repo), *settings, "credential", "fill"),
            input="protocol=https\nhost=h.example\n\n", capture_output=True,
            text=True, check=False, env=batch_environment(),
        )  # fmt: skip

    fill()
    assert (repo / "fired").exists()  # the canary works: plain git runs it
    (repo / "fired").unlink()
    fill(*repository_settings(repo, "push"))
    assert not (repo / "fired").exists()


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("core.sshCommand", "ssh://git@127.0.0.1:1/x"),
        ("core.gitProxy", "git://127.0.0.1:1/x"),
    ],
)
@pytest.mark.parametrize("runner", ["release", "propose"])
def test_no_connection_program_of_the_repository_runs(
    tmp_path: Path, key: str, url: str, runner: str
) -> None:
    from accord.release.gitrepo import run_git
    from accord.vcs import remote

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    script, fired = canary(tmp_path, "connect")
    git(repo, "config", key, str(script))
    git(repo, "remote", "add", "origin", url)
    if runner == "release":
        assert run_git(repo, "ls-remote", "origin", timeout=60).returncode != 0
    else:
        with pytest.raises(remote.GitError):
            remote.git("ls-remote", "origin", cwd=repo)
    assert not fired.exists()


def test_a_local_remotes_alternate_refs_command_does_not_run_on_push(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\n")
    script, fired = canary(world, "remote-alternates")
    bare = world / "remotes/org/a"
    (bare / "objects/info/alternates").write_text(
        f"{world / 'remotes/org/b/objects'}\n"
    )
    git(bare, "config", "core.alternateRefsCommand", str(script))
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert not fired.exists(), out
    assert code == 0, out
    assert remote_tip(world, "org/a", "accord/sync") == proposals["org/a"]["commit"]


@pytest.mark.parametrize("how", ["pushurl", "pushinsteadof"])
def test_a_push_redirected_to_a_local_repository_runs_none_of_its_hooks(
    world: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    set_projects(world, "org/a\n")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    clone = clone_directory(world / "work", "org/a")
    script, fired = canary(world, how)
    trap = world / "trap.git"
    git(world, "clone", "-q", "--bare", str(world / "remotes/org/a"), str(trap))
    (trap / "hooks/pre-receive").symlink_to(script)
    extra: tuple[str, ...] = ()
    if how == "pushurl":
        git(clone, "config", "remote.origin.pushurl", str(trap))
    else:
        git(clone, "config", f"url.{trap}.pushInsteadOf", "ssh://review.invalid/org/a")
        git(clone, "config", f"url.{trap}.insteadOf", "ssh://review.invalid/org/a")
        extra = ("--push-url", "ssh://review.invalid/{name}")
    code, proposals, out = propose(world, capsys, base(world), "--push", *extra)
    assert not fired.exists(), out
    assert code == 0, out
    assert proposals["org/a"]["status"] == "new"


def test_a_topic_that_is_the_target_branch_is_refused(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\n")
    main_before = remote_tip(world, "org/a", "main")
    code, proposals, _ = propose(
        world, capsys, base(world), "--topic", "main", "--push"
    )
    assert code == 1
    assert proposals["org/a"]["status"] == "failed"
    assert "the target branch" in str(proposals["org/a"]["message"])
    assert remote_tip(world, "org/a", "main") == main_before
    code, _, err = propose(
        world, capsys, base(world), "--topic", "stable/x", "--branch", "stable/x"
    )
    assert code == 2
    assert "--topic" in err


def test_a_topic_naming_a_branch_that_is_no_proposal_is_left_alone(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\n")
    stable = remote_tip(world, "org/a", "stable/2026.1")
    code, proposals, _ = propose(
        world, capsys, base(world), "--topic", "stable/2026.1", "--push"
    )
    assert code == 1
    assert proposals["org/a"]["status"] == "failed"
    assert "is not an accord proposal" in str(proposals["org/a"]["message"])
    assert remote_tip(world, "org/a", "stable/2026.1") == stable
    # A proposal of accord's is updated as before.
    assert propose(world, capsys, base(world), "--push")[1]["org/a"]["status"] == "new"
    code, proposals, _ = propose(world, capsys, base(world), "--push")
    assert proposals["org/a"]["status"] == "unchanged"


def test_the_commit_message_is_never_written_through_a_planted_link(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\n")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    clone = clone_directory(world / "work", "org/a")
    victim = world / "victim.txt"
    victim.write_text("mine\n")
    (clone / ".git/ACCORD_COMMIT_MSG").symlink_to(victim)
    code, proposals, out = propose(world, capsys, base(world))
    assert victim.read_text() == "mine\n"
    assert code == 0, out
    assert proposals["org/a"]["status"] == "new"


def test_a_file_name_that_is_not_utf8_is_no_traceback(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = world / "seed/org/a"
    (seed / os.fsdecode(b"caf\xe9.txt")).write_text("x\n")  # Latin-1 bytes
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "latin-1 name")
    git(seed, "push", "-q", str(world / "remotes/org/a"), "main")
    set_projects(world, "org/a\n")
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert code == 0, out
    assert proposals["org/a"]["status"] == "new"


def test_the_users_own_filters_are_kept_and_the_repositorys_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.vcs.hardening import repository_settings

    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".gitconfig").write_text(
        '[filter "lfs"]\n\tprocess = git-lfs filter-process\n\trequired = true\n'
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert repository_settings(repo, "checkout") == ()
    git(repo, "config", "filter.lfs.process", "evil")
    git(repo, "config", "filter.x.smudge", "evil")
    assert repository_settings(repo, "checkout") == (
        "-c", "filter.lfs.process=", "-c", "filter.x.smudge=",
    )  # fmt: skip


def test_hooks_a_repository_configures_are_dropped_and_the_users_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git 2.54 runs ``hook.<name>.command`` on each ``hook.<name>.event``
    (the event ref updates of a commit, a tag or a fetch included): every
    hook the repository's configuration names loses its events, for every
    subcommand that may run a hook; the user's own hooks are kept."""
    from accord.vcs.hardening import repository_settings

    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".gitconfig").write_text(
        '[hook "lint"]\n\tcommand = lint\n\tevent = pre-commit\n'
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert repository_settings(repo, "commit") == ()
    git(repo, "config", "hook.evil.command", "touch fired")
    git(repo, "config", "--add", "hook.evil.event", "post-commit")
    git(repo, "config", "--add", "hook.evil.event", "reference-transaction")
    git(repo, "config", "hook.Evil.Event", "post-commit")  # names keep their case
    dropped = ("-c", "hook.evil.event=", "-c", "hook.Evil.event=")
    for name in ("commit", "push", "fetch", "tag", "update-ref", "checkout",
                 "reset", "add", "clean", "worktree", "gc", "merge"):  # fmt: skip
        assert repository_settings(repo, name) == dropped, name
    assert repository_settings(repo, "rev-parse") == ()  # runs no hook
    assert repository_settings(repo, "cat-file") == ()


def test_a_clone_whose_git_dir_leads_to_another_repository_is_unusable(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """git keeps a repository's refs and config where ``.git/commondir``
    says: accord's fetch, commit and push would go to that repository. That
    project is refused (exit 2) before anything is written; others go on."""
    set_projects(world, "org/a\norg/b\n")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    clone = clone_directory(world / "work", "org/a")
    other = world / "other"
    git(world, "init", "-q", str(other))
    config = (other / ".git/config").read_text()
    (clone / ".git/commondir").write_text(f"{other / '.git'}\n")
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert code == 2, out
    assert proposals["org/a"]["status"] == "unusable"
    message = str(proposals["org/a"]["message"])
    assert f"{clone / '.git'} leads to the repository {other / '.git'}" in message
    assert proposals["org/b"]["status"] == "none"  # gone through: in sync
    assert (other / ".git/config").read_text() == config
    assert git(other, "for-each-ref") == ""
    assert remote_tip(world, "org/a", "accord/sync") is None


def test_a_driver_or_hook_name_holding_an_equals_sign_is_neutralised_too(
    tmp_path: Path,
) -> None:
    """``-c key=value`` splits at the first "=": ``-c filter.a=b.clean=``
    would set ``filter.a`` and leave the driver ``a=b`` (a name
    ``.gitattributes`` can give: ``filter=a=b``) to run."""
    from accord.vcs.hardening import git_environment, repo_command

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    script, fired = canary(tmp_path, "equals")
    (repo / ".gitattributes").write_text("* filter=a=b\n")
    (repo / "x.txt").write_text("x\n")
    git(repo, "config", "filter.a=b.clean", str(script))
    git(repo, "config", "hook.c=d.command", str(script))  # git 2.54's
    git(repo, "config", "hook.c=d.event", "post-index-change")
    result = subprocess.run(
        repo_command(repo, "add", "-A"),
        capture_output=True, text=True, check=False, env=git_environment(),
    )  # fmt: skip
    assert not fired.exists(), result.stderr
    assert result.returncode == 0, result.stderr
    assert "x.txt" in git(repo, "ls-files")
    (repo / "y.txt").write_text("y\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, capture_output=True, check=False)
    assert fired.exists()  # the canary works: plain git runs the driver


def test_a_clone_whose_git_is_a_file_is_unusable_and_its_target_untouched(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_projects(world, "org/a\norg/b\n")
    assert propose(world, capsys, base(world))[1]["org/a"]["status"] == "new"
    clone = clone_directory(world / "work", "org/a")
    other = world / "other"
    git(world, "init", "-q", str(other))
    shutil.rmtree(clone / ".git")
    (clone / ".git").write_text(f"gitdir: {other / '.git'}\n")
    code, proposals, out = propose(world, capsys, base(world), "--push")
    assert code == 2, out
    assert proposals["org/a"]["status"] == "unusable"
    assert f"{clone / '.git'} is a file or a symlink" in str(
        proposals["org/a"]["message"]
    )
    assert proposals["org/b"]["status"] == "none"
    assert git(other, "for-each-ref") == ""
