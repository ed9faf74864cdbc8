"""The one place the requirements-repo cache runs git.

Through accord's hardened runner (:mod:`accord.vcs.hardening`): no hooks,
no system configuration, no prompts, and only the file, https, ssh and git
transports. Unlike :func:`accord.vcs.remote.git` it never raises: the cache
decides what a failure means (offline: use the cached copy).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

from accord.vcs.hardening import batch_environment, failure_reason, repo_command

TIMEOUT = 300


class GitResult(NamedTuple):
    ok: bool
    out: str
    err: str  # git's first error line, or why git did not run


def run_git(*args: str, cwd: Path | None = None) -> GitResult:
    """Run ``git args`` (an argument list, never a shell); never raises."""
    try:
        result = subprocess.run(
            repo_command(cwd, *args),
            cwd=cwd,
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=TIMEOUT,
            env=batch_environment(),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return GitResult(False, "", str(error))
    reason = failure_reason(result.stderr, result.returncode)
    return GitResult(result.returncode == 0, result.stdout, reason)
