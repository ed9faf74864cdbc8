"""The one place the site runs git: read-only, through the hardened runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

from accord.vcs.hardening import git_command, git_environment


def run_git(repo: Path, *args: str) -> bytes | None:
    """git's stdout, or None when it fails (no repository, no such ref)."""
    try:
        result = subprocess.run(
            git_command("-C", str(repo), *args),
            capture_output=True,
            env=git_environment(),
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def is_repository(repo: Path) -> bool:
    top = run_git(repo, "rev-parse", "--show-toplevel")
    return top is not None and Path(top.decode("utf-8", "replace").strip()) == (
        repo.resolve()
    )
