"""Benchmark: `accord propose --push` over 200 local repositories.

Bare remotes on disk, half of them drifted from the example global list.
Times a full run (clones, commits, pushes) and a no-op re-run (everything
already proposed), against the time of one `git ls-remote` per repository
measured in the same run (the floor for merely asking each remote).

    python benchmarks/propose_fleet.py [--repos N] [--jobs J]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "requirements"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def build(work: Path, count: int) -> None:
    seed = work / "seed"
    for index in range(count):
        repo = seed / f"p{index:03d}"
        repo.mkdir(parents=True)
        drift = index % 2 == 0
        (repo / "requirements.txt").write_text(
            "alembic>=1.10.0\n" if drift else "alembic>=1.10.0,!=1.2.0\n"
        )
        (repo / "test-requirements.txt").write_text("pytest>=8.0\n")
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "initial")
        git(
            work,
            "clone",
            "-q",
            "--bare",
            str(repo),
            str(work / "remotes" / "org" / repo.name),
        )
    central = work / "requirements"
    shutil.copytree(EXAMPLE, central)
    (central / "projects.txt").write_text(
        "".join(f"org/p{index:03d}\n" for index in range(count))
    )
    git(central, "init", "-q", "-b", "main")
    git(central, "add", "-A")
    git(central, "commit", "-q", "-m", "central")


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.run(command, capture_output=True, check=False).returncode
    return time.perf_counter() - start, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        os.environ.setdefault(key, "bench")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        os.environ.setdefault(key, "bench@example.org")
    work = Path(tempfile.mkdtemp(prefix="accord-propose-"))
    build(work, args.repos)
    start = time.perf_counter()
    for index in range(args.repos):
        git(work, "ls-remote", str(work / "remotes" / "org" / f"p{index:03d}"))
    floor = time.perf_counter() - start
    command = [
        sys.executable, "-m", "accord", "propose", "--push",
        "--requirements", str(work / "requirements"),
        "--git-base", f"file://{work / 'remotes'}",
        "--workdir", str(work / "clones"),
        "--jobs", str(args.jobs), "--format", "json",
    ]  # fmt: skip
    full, code = timed(command)
    again, code2 = timed(command)
    print(f"ls-remote x{args.repos} (sequential floor) {floor:6.2f} s")
    print(f"propose --push, first run           {full:6.2f} s (exit {code})")
    print(
        f"propose --push, no-op re-run        {again:6.2f} s (exit {code2}) "
        f"= {again / floor:.1f}x the ls-remote floor"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
