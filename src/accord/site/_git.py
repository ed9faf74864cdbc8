"""The one place the site runs git: read-only, through the hardened runner."""

from __future__ import annotations

import subprocess
from pathlib import Path

from accord.vcs.hardening import git_environment, repo_command


def run_git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """git's stdout, or None when it fails (no repository, no such ref)."""
    try:
        result = subprocess.run(
            repo_command(repo, *args),
            input=stdin,
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


def read_blobs(repo: Path, objects: list[str]) -> list[bytes | None]:
    """The content of each ``REV:PATH`` in one ``git cat-file --batch``; None
    for one that does not exist."""
    if not objects:
        return []
    if any("\n" in name for name in objects):
        raise ValueError("an object name holds a newline")
    out = run_git(
        repo, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in objects).encode()
    )
    if out is None:
        return [None] * len(objects)
    blobs: list[bytes | None] = []
    position = 0
    for _ in objects:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs.append(out[position : position + size])
            position += size + 1  # the content, then a newline
        else:
            blobs.append(None)  # "<name> missing", or not a blob
    return blobs
