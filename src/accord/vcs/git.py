"""The git commands accord runs: argument lists, never a shell, read-only.

Porcelain output is parsed only here, so a change in git touches one file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from accord.errors import InputError
from accord.vcs.hardening import git_environment, repo_command

# Patterns, compiled by re when first used: a check of a project without
# git history (or without a Depends-On trailer) never needs them.
_SHA = r"^[0-9a-fA-F]{7,40}$"
_CHANGE_ID = r"^I[0-9a-f]{40}$"
_TRAILER = r"(?im)^Depends-On:\s*(\S+)\s*$"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            repo_command(repo, *args),
            capture_output=True,
            env=git_environment(),
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"git failed: {error}", path=str(repo)) from error


def is_git_repo(path: Path) -> bool:
    """Whether ``path`` is the top of a git work tree (checked cheaply first)."""
    if not (path / ".git").exists():
        return False
    result = _git(path, "rev-parse", "--is-inside-work-tree")
    return result.returncode == 0 and result.stdout.strip() == b"true"


def head_message(repo: Path) -> str | None:
    """The full message of HEAD, or None when ``repo`` has no commit."""
    result = _git(repo, "log", "-1", "--format=%B")
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def depends_on(message: str) -> list[str]:
    """The ``Depends-On:`` trailer values of a commit message, in order."""
    return re.findall(_TRAILER, message)


def find_commit(repo: Path, reference: str) -> str | None:
    """The full sha of ``reference`` (a sha or a Gerrit Change-Id) in any ref."""
    if re.match(_CHANGE_ID, reference):
        result = _git(
            repo, "log", "--all", "--format=%H", f"--grep=^Change-Id: {reference}$"
        )
        shas = result.stdout.decode().split()
        return shas[0] if result.returncode == 0 and shas else None
    if not re.match(_SHA, reference):
        return None  # a URL or another project's change: not ours to resolve
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{reference}^{{commit}}")
    if result.returncode != 0:
        return None
    sha = result.stdout.decode().strip()
    # Only a commit some ref reaches counts: a dangling object is no proposal.
    contains = _git(
        repo, "for-each-ref", "--contains", sha, "--count=1", "--format=%(refname)"
    )
    return sha if contains.returncode == 0 and contains.stdout.strip() else None


def read_at(repo: Path, sha: str, path: str) -> bytes | None:
    """The bytes of ``path`` as of commit ``sha``, or None if it is not there."""
    result = _git(repo, "cat-file", "blob", f"{sha}:{path}")
    return result.stdout if result.returncode == 0 else None


def last_change(repo: Path, path: str) -> tuple[str, int] | None:
    """The last commit that changed ``path`` and its committer time (seconds
    since the epoch), when the work tree's ``path`` is as committed; None
    otherwise (not a git repository, never committed, or changed since)."""
    if not is_git_repo(repo):
        return None
    if (
        _git(
            repo,
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--quiet",
            "HEAD",
            "--",
            path,
        ).returncode
        != 0
    ):
        return None
    result = _git(repo, "log", "-1", "--format=%H %ct", "--", path)
    sha, _, seconds = result.stdout.decode("ascii", "replace").strip().partition(" ")
    if result.returncode != 0 or not re.match(_SHA, sha) or not seconds.isdigit():
        return None
    return sha, int(seconds)


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The full sha of the commit ``ref`` (a branch, tag or sha) names in
    ``repo``, or None; ``ref`` is never read as an option."""
    if not ref or ref.startswith("-") or any(c.isspace() or c in "\0:" for c in ref):
        return None
    spec = f"{ref}^{{commit}}"
    result = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", spec)
    return result.stdout.decode().strip() if result.returncode == 0 else None
