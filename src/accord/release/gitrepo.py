"""The git repositories a release names, through accord's hardened git.

``repo: org/name`` is the repository ``<git base>/org/name``: a directory
used as it is, or a URL cloned once (bare) into a work directory. Every git
runs with :mod:`accord.vcs.hardening`'s settings, never through a shell.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from accord.errors import AccordError, InputError
from accord.vcs.clones import check_url, clone_name, relative_entry
from accord.vcs.hardening import git_command, git_environment, repo_command
from accord.vcs.remote import check_git_dir

# Signing runs the gpg on PATH, whatever a repository's config names.
_SIGNING = ("-c", "gpg.format=openpgp", "-c", "gpg.program=gpg")
_PGP_SIGNATURE = b"-----BEGIN PGP SIGNATURE-----"


class GitError(AccordError):
    """A git command that should have worked did not."""


class GitRepo(Protocol):
    """What the release checks and steps ask of one repository."""

    def has_commit(self, sha: str) -> bool: ...
    def has_branch(self, branch: str) -> bool: ...
    def default_branch(self) -> str | None: ...
    def on_branch(self, branch: str, sha: str) -> bool: ...
    def is_ancestor(self, ancestor: str, sha: str) -> bool: ...
    def tag_commit(self, tag: str) -> str | None: ...
    def read_at(self, sha: str, path: str) -> bytes | None: ...
    def files_at(self, sha: str, prefix: str) -> list[str]: ...


class GitRepos(Protocol):
    """The repositories by ``org/name``; None when one cannot be found."""

    def get(self, repo: str) -> GitRepo | None: ...


def run_git(
    path: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            repo_command(path, *args),
            capture_output=True,
            env=git_environment(),
            check=False,
            timeout=timeout,
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as error:
        raise GitError(f"{path}: git failed: {error}") from error


def git_ok(path: Path, *args: str) -> str:
    """The output of a git command that must succeed."""
    result = run_git(path, *args)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        command = args
        while len(command) > 2 and command[0] == "-c":  # the subcommand's name
            command = command[2:]
        raise GitError(
            f"{path}: git {command[0]} failed: {message[-1] if message else ''}"
        )
    return result.stdout.decode("utf-8", "replace")


def valid_branch_name(name: str) -> bool:
    """Whether git takes ``name`` as a branch name
    (``git check-ref-format --branch``, never an option, never ``@{-1}``)."""
    if not name or name.startswith("-") or name == "HEAD" or "@{" in name:
        return False
    try:
        result = subprocess.run(
            git_command("check-ref-format", "--branch", name),
            capture_output=True, env=git_environment(), check=False, timeout=30,
        )  # fmt: skip
    except (OSError, ValueError, subprocess.TimeoutExpired):  # ValueError: a NUL
        return False
    return result.returncode == 0 and result.stdout.decode().strip() == name


@dataclass(frozen=True, slots=True)
class LocalRepo:
    """A repository on this machine (a work tree or a bare clone)."""

    path: Path
    remote: bool = False  # a clone of a URL: tags are pushed to its origin
    # Where the repository that takes its tags and branches may lie besides
    # ``path`` (the --git-base directory holding it); elsewhere is refused.
    roots: tuple[Path, ...] = ()

    def _ok(self, *args: str) -> bool:
        return run_git(self.path, *args).returncode == 0

    def _ref(self, branch: str) -> str | None:
        for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
            if self._ok("rev-parse", "--verify", "--quiet", ref):
                return ref
        return None

    def has_commit(self, sha: str) -> bool:
        return self._ok("cat-file", "-e", f"{sha}^{{commit}}")

    def has_branch(self, branch: str) -> bool:
        return self._ref(branch) is not None

    def default_branch(self) -> str | None:
        result = run_git(self.path, "symbolic-ref", "--quiet", "--short", "HEAD")
        if result.returncode == 0:
            return result.stdout.decode().strip() or None
        return next((b for b in ("main", "master") if self.has_branch(b)), None)

    def on_branch(self, branch: str, sha: str) -> bool:
        ref = self._ref(branch)
        return ref is not None and self.is_ancestor(sha, ref)

    def is_ancestor(self, ancestor: str, sha: str) -> bool:
        return self._ok("merge-base", "--is-ancestor", ancestor, sha)

    def tag_commit(self, tag: str) -> str | None:
        result = run_git(
            self.path, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}"
        )
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def read_at(self, sha: str, path: str) -> bytes | None:
        result = run_git(self.path, "cat-file", "blob", f"{sha}:{path}")
        return result.stdout if result.returncode == 0 else None

    def files_at(self, sha: str, prefix: str) -> list[str]:
        result = run_git(self.path, "ls-tree", "-r", "--name-only", sha, "--", prefix)
        return result.stdout.decode().splitlines() if result.returncode == 0 else []

    def tag_is_signed(self, tag: str) -> bool:
        """Whether ``tag`` is an annotated tag carrying an OpenPGP signature
        (present, not verified: that needs the signer's public key)."""
        result = run_git(self.path, "cat-file", "tag", f"refs/tags/{tag}")
        return result.returncode == 0 and _PGP_SIGNATURE in result.stdout

    def create_tag(self, tag: str, sha: str, message: str, key: str | None) -> None:
        """An annotated tag; signed by ``key`` with the ``gpg`` on PATH (a
        repository's own gpg.program or gpg.format is never used). An
        InputError when a ``.git`` file leads out of the path and roots."""
        check_git_dir(self.path, *self.roots)
        if key:
            sign = [*_SIGNING, "tag", "--sign", f"--local-user={key}"]
        else:
            sign = ["-c", "tag.gpgSign=false", "tag", "--annotate"]
        git_ok(self.path, *sign, "-m", message, tag, sha)
        if self.remote:
            git_ok(self.path, "push", "--quiet", "origin", f"refs/tags/{tag}")

    def branch_commit(self, branch: str) -> str | None:
        """The commit ``branch`` is at (here, else at origin), or None."""
        ref = self._ref(branch)
        if ref is None:
            return None
        result = run_git(self.path, "rev-parse", "--verify", "--quiet", ref)
        return result.stdout.decode().strip() if result.returncode == 0 else None

    def create_branch(self, branch: str, sha: str) -> None:
        """``branch`` at ``sha``, only if it does not exist; pushed to origin
        in a clone of a URL (again if it exists: a push that failed before).
        An InputError when a ``.git`` file leads out of the path and roots."""
        ref = f"refs/heads/{branch}"
        check_git_dir(self.path, *self.roots)
        if self.branch_commit(branch) is None:
            git_ok(self.path, "update-ref", "-m", "accord release branch", ref, sha, "")
        if self.remote:
            git_ok(self.path, "push", "--quiet", "origin", f"{ref}:{ref}")

    def archive(self, sha: str, destination: Path) -> None:
        """The tree of ``sha`` written into ``destination`` (no .git)."""
        destination.mkdir(parents=True, exist_ok=True)
        tar = destination / ".accord-tree.tar"
        git_ok(self.path, "archive", "--format=tar", f"--output={tar}", sha)
        import tarfile

        with tarfile.open(tar) as archive:
            archive.extractall(destination, filter="data")
        tar.unlink()


@dataclass
class BaseRepos:
    """``org/name`` as ``<base>/org/name``: a directory, or a URL cloned bare
    into ``workdir`` (fetched again on each run)."""

    base: str
    workdir: Path
    _cache: dict[str, LocalRepo | None] = field(default_factory=dict)

    def get(self, repo: str) -> LocalRepo | None:
        if repo not in self._cache:
            self._cache[repo] = self._find(repo)
        return self._cache[repo]

    def _find(self, repo: str) -> LocalRepo | None:
        try:
            repo = relative_entry(repo)
        except InputError:
            return None
        if Path(self.base).is_dir():
            path = Path(self.base) / repo
            found = (path / ".git").exists() or (path / "HEAD").is_file()
            return LocalRepo(path, roots=(Path(self.base),)) if found else None
        url = check_url(f"{self.base.rstrip('/')}/{repo}", "--git-base")
        clone = self.workdir / clone_name(repo)
        if not clone.exists():
            self.workdir.mkdir(parents=True, exist_ok=True)
            result = subprocess.run(
                repo_command(None, "clone", "--bare", "--quiet", "--", url, str(clone)),
                capture_output=True, env=git_environment(), check=False, timeout=600,
            )  # fmt: skip
            if result.returncode != 0:
                return None
        else:
            refs = ("+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
            run_git(clone, "fetch", "--quiet", "origin", *refs)
        return LocalRepo(clone, remote=True)
