"""Git operations for proposals: clone or fetch, branch, commit, push.

Every call is an argument list (no shell), with prompts disabled so a
missing credential fails instead of hanging. Credentials come from the
user's git configuration; URLs are redacted before they reach a message.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from accord.errors import AccordError, InputError
from accord.masking import mask_credentials
from accord.vcs.hardening import (
    batch_environment,
    failure_reason,
    git_command,
    git_environment,
    repo_command,
    subcommand,
)

_TIMEOUT = 300


class GitError(AccordError):
    """A git command failed; the message is git's, with secrets removed."""


class ForeignRepository(InputError):
    """A work tree whose commits would land in a repository outside it and
    its workspace: unusable input (exit 2), the other projects go on."""


def redact(text: str) -> str:
    """``text`` with every URL's userinfo shown as ``***``."""
    return mask_credentials(text)


def git(
    *args: str, cwd: Path | None = None, check: bool = True, stdin: str = ""
) -> str:
    at = subcommand(args)
    name = args[at] if at < len(args) else "git"
    try:
        result = subprocess.run(
            repo_command(cwd, *args),
            cwd=cwd,
            input=stdin.encode(),
            capture_output=True,
            check=False,
            timeout=_TIMEOUT,
            env=batch_environment(),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(redact(f"git {name}: {error}")) from error
    # A file name need not be UTF-8: kept byte for byte (a path made of it
    # names the same file); messages are for people, so replaced.
    stdout = result.stdout.decode("utf-8", "surrogateescape")
    if check and result.returncode != 0:
        output = result.stderr or result.stdout
        reason = failure_reason(output.decode("utf-8", "replace"), result.returncode)
        raise GitError(redact(f"git {name} failed: {reason}"))
    return stdout


def valid_branch(name: str) -> bool:
    """Whether ``name`` is a well-formed branch name (git's own rules)."""
    if not name or name.startswith("-"):
        return False
    result = subprocess.run(
        git_command("check-ref-format", "--branch", name),
        capture_output=True,
        env=git_environment(),
        check=False,
        cwd="/",  # "@{-1}" and "@" name a branch of the current repo: refused
    )
    return (
        result.returncode == 0
        and name != "@"
        and result.stdout.decode().strip() == name
    )


def clone_or_fetch(url: str, directory: Path) -> None:
    """A local clone of ``url`` at ``directory``, fetched, never re-cloned."""
    if (directory / ".git").is_dir():
        git("remote", "set-url", "origin", url, cwd=directory)
        git("fetch", "--prune", "--quiet", "origin", cwd=directory)
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "--quiet", "--no-checkout", "--", url, str(directory))


def default_branch(directory: Path) -> str:
    output = git("ls-remote", "--symref", "origin", "HEAD", cwd=directory)
    for line in output.splitlines():
        if line.startswith("ref: refs/heads/"):
            return line.split()[1].removeprefix("refs/heads/")
    if output.strip():
        raise GitError(
            "the remote's HEAD is detached, so it has no default branch: pass --branch"
        )
    raise GitError("the remote has no commits (an empty repository)")


def remote_branch_sha(
    directory: Path, branch: str, remote: str = "origin"
) -> str | None:
    output = git("ls-remote", remote, f"refs/heads/{branch}", cwd=directory)
    for line in output.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def check_work_tree(directory: Path) -> None:
    """Refuse a repository whose configuration (``core.worktree``) puts its
    work tree anywhere but ``directory``: git would write there."""
    top = git("rev-parse", "--show-toplevel", cwd=directory).strip()
    if Path(top).resolve() != directory.resolve():
        raise GitError(
            f"{directory} is not the top of its git work tree "
            f"({top}; core.worktree?): refused"
        )


def check_git_dir(directory: Path, *roots: Path) -> None:
    """Refuse ``directory`` when the repository that would take its commits
    and refs (git's common directory: where a ``.git`` file, ``gitdir:
    ...``, or a ``commondir`` leads) lies outside it and every one of
    ``roots`` (the workspace holding it). A worktree's or a submodule's
    repository in there is fine; anywhere else is a repository nobody named."""
    output = git(
        "rev-parse", "--path-format=absolute", "--git-common-dir",
        cwd=directory, check=False,
    ).strip()  # fmt: skip
    if not output:
        return  # no repository: the next git says so
    common = Path(output).resolve()
    allowed = [directory, *roots]
    if any(common.is_relative_to(root.resolve()) for root in allowed):
        return
    raise ForeignRepository(
        f"{directory / '.git'} leads to the repository {common}, outside "
        + " and ".join(str(root) for root in allowed)
        + ": accord's commits and tags would land there; refused",
        hint="a worktree's or a submodule's repository must lie in the project "
        "or its workspace",
    )


def reset_to(directory: Path, branch: str) -> str:
    """Check out ``origin/branch`` cleanly on a scratch branch; its sha."""
    check_work_tree(directory)
    if not git(
        "rev-parse", "--verify", "--quiet", f"refs/remotes/origin/{branch}^{{commit}}",
        cwd=directory, check=False,
    ).strip():  # fmt: skip
        raise GitError(f"the remote has no branch {branch!r}")
    git(
        "checkout",
        "--quiet",
        "--force",
        "-B",
        "accord-work",
        f"origin/{branch}",
        cwd=directory,
    )
    git("clean", "--quiet", "-fdx", cwd=directory)
    return git("rev-parse", "HEAD", cwd=directory).strip()


def commit_all(
    directory: Path, message: str, paths: tuple[str, ...] | None = None
) -> str:
    """Commit everything (or only ``paths``); the new commit's sha."""
    check_work_tree(directory)
    git("add", "--all", "--", *(paths or ()), cwd=directory)
    identity: list[str] = []
    if not git("config", "user.email", cwd=directory, check=False).strip():
        identity = ["-c", "user.name=accord", "-c", "user.email=accord@localhost"]
    _commit(directory, message, identity, paths)
    return git("rev-parse", "HEAD", cwd=directory).strip()


def _commit(
    directory: Path, message: str, identity: list[str], paths: tuple[str, ...] | None
) -> None:
    # The message goes through stdin: a file in the git directory could be a
    # link planted to make accord write elsewhere.
    only = ["--", *paths] if paths else []
    git(
        *identity,
        "commit",
        "--quiet",
        "--no-verify",
        "-F",
        "-",
        *only,
        cwd=directory,
        stdin=message,
    )


def tree_of(directory: Path, revision: str) -> str | None:
    output = git(
        "rev-parse",
        "--verify",
        "--quiet",
        f"{revision}^{{tree}}",
        cwd=directory,
        check=False,
    )
    return output.strip() or None


def fetch_commit(directory: Path, remote: str, branch: str) -> None:
    """Make the tip of ``remote``'s ``branch`` available as refs/accord/proposed."""
    git(
        "fetch",
        "--quiet",
        remote,
        f"+refs/heads/{branch}:refs/accord/proposed",
        cwd=directory,
    )


def push(directory: Path, target: str, branch: str, expected: str | None) -> None:
    """Push HEAD to ``branch`` at ``target``, replacing only what we expect."""
    lease = f"--force-with-lease=refs/heads/{branch}:{expected or ''}"
    git(
        "push",
        "--quiet",
        lease,
        target,
        f"HEAD:refs/heads/{branch}",
        cwd=directory,
    )


def current_branch(directory: Path) -> str | None:
    output = git(
        "symbolic-ref", "--quiet", "--short", "HEAD", cwd=directory, check=False
    )
    return output.strip() or None


def head_sha(directory: Path) -> str | None:
    output = git("rev-parse", "--verify", "--quiet", "HEAD", cwd=directory, check=False)
    return output.strip() or None


def is_dirty(directory: Path, path: str) -> bool:
    """Whether ``path`` differs from HEAD in the index or the work tree."""
    output = git(
        "status", "--porcelain", "--untracked-files=no", "--", path, cwd=directory
    )
    return bool(output.strip())


def subject_of(directory: Path, revision: str) -> str:
    """The subject line of the commit ``revision``."""
    return git("log", "-1", "--format=%s", revision, "--", cwd=directory).strip()
