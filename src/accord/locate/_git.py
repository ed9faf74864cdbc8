"""The one place the requirements-repo cache runs git.

Kept apart so that it can switch to the shared hardened runner of
``accord.vcs`` in one edit: the same environment and ``-c`` options. git
never prompts, runs no hooks, and reaches only file, http(s), ssh and git
remotes (``protocol.allow=never`` turns off ``ext::`` and the like).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NamedTuple

TIMEOUT = 300

_OPTIONS = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "protocol.allow=never",
    "-c", "protocol.file.allow=always",
    "-c", "protocol.https.allow=always",
    "-c", "protocol.http.allow=always",
    "-c", "protocol.ssh.allow=always",
    "-c", "protocol.git.allow=always",
)  # fmt: skip


class GitResult(NamedTuple):
    ok: bool
    out: str
    err: str  # git's first error line, or why git did not run


def run_git(*args: str, cwd: Path | None = None) -> GitResult:
    """Run ``git args`` (an argument list, never a shell); never raises."""
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -oBatchMode=yes"),
        "LC_ALL": "C",
    }
    try:
        result = subprocess.run(
            ["git", *_OPTIONS, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=TIMEOUT,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return GitResult(False, "", str(error))
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    # git's first fatal line says what went wrong; advice follows it.
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    reason = (fatal or lines or [f"exit status {result.returncode}"])[0]
    return GitResult(result.returncode == 0, result.stdout, reason)
