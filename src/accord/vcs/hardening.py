"""Git run so that nothing in a repository's configuration can execute.

A project's ``.git/config``, a clone's hooks or a URL in projects.txt are
input, not instructions: every git accord starts gets these settings on its
command line (which outrank any configuration file) and an environment
without system configuration or prompts. The user's own ssh stays theirs.
"""

from __future__ import annotations

import os

# Transports git may use; "ext::" and the other remote helpers run commands.
ALLOWED_PROTOCOLS = ("file", "https", "ssh", "git")

HARDENING: tuple[str, ...] = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "log.showSignature=false",
    "-c", "protocol.allow=never",
    *(a for p in ALLOWED_PROTOCOLS for a in ("-c", f"protocol.{p}.allow=always")),
    "-c", "submodule.recurse=false",
    "-c", "fetch.recurseSubmodules=false",
)  # fmt: skip

# Variables that would point git at another repository than the one named.
_REDIRECTS = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_EXTERNAL_DIFF",
    }
)


def git_command(*args: str) -> list[str]:
    """The argument list of ``git args`` with the hardening settings."""
    return ["git", *HARDENING, *args]


def git_environment(**extra: str) -> dict[str, str]:
    """The environment every git runs in: no system config, never a prompt."""
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTS}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", **extra)
    return env


def batch_environment() -> dict[str, str]:
    """:func:`git_environment` for a run nobody watches: no password or
    passphrase prompt (a missing credential fails instead of hanging) and
    git's messages in English, so their first error line can be read."""
    return git_environment(
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GIT_SSH_COMMAND=os.environ.get("GIT_SSH_COMMAND", "ssh -oBatchMode=yes"),
        LC_ALL="C",
    )


def failure_reason(output: str, returncode: int) -> str:
    """Why git failed: its first ``fatal:``/``error:`` line (the last lines
    are often advice), else its first line, else the exit status."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or [f"exit status {returncode}"])[0]
