"""A small fleet for `affected` and `cross-test`: a requirements repo in git,
projects beside it and a wheelhouse, all offline."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from .wheelhouse import make_wheel

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": os.devnull,
}

GLOBAL = """\
oslo.messaging  # Apache-2.0
kombu  # BSD-3-Clause
futurist  # Apache-2.0
requests  # Apache-2.0
"""

PINS = """\
futurist===1.0
kombu===1.0
oslo.messaging===1.0
requests===1.0
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    ).stdout


def make_wheels(directory: Path) -> Path:
    """oslo.messaging requires kombu and futurist; requests stands alone;
    each library has 1.0 and 1.1, and knows its ``VERSION``."""
    directory.mkdir(parents=True, exist_ok=True)
    requires = {"oslo.messaging": ["kombu", "futurist"]}
    for name in ("oslo.messaging", "kombu", "futurist", "requests"):
        for version in ("1.0", "1.1"):
            code = f"VERSION = {version!r}\n"
            make_wheel(directory, name, version, requires.get(name, ()), code=code)
    return directory


def make_fleet(
    tmp: Path, projects: Mapping[str, Mapping[str, str]], pythons: str = '"3.11"'
) -> Path:
    """The requirements repo (one commit) at tmp/requirements and each
    project at tmp/NAME with the files given."""
    wheels = make_wheels(tmp / "wheels")
    repo = tmp / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "projects.txt").write_text("".join(f"{name}\n" for name in projects))
    (repo / "accord.toml").write_text(
        f"python-versions = [{pythons}]\n"
        f'[index]\nno-index = true\nfind-links = ["{wheels}"]\n'
    )
    for name, files in projects.items():
        for path, text in files.items():
            target = tmp / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    git(repo, "init", "-q", "-b", "master")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start")
    return repo


def bump(repo: Path, name: str, old: str, new: str, commit: bool = True) -> None:
    path = repo / "upper-constraints.txt"
    path.write_text(path.read_text().replace(f"{name}==={old}", f"{name}==={new}"))
    if commit:
        git(repo, "commit", "-q", "-am", f"update constraint for {name} to {new}")
