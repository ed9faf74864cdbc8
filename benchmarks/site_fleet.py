"""Benchmark: `accord site` over 1,000 synthetic projects, against `fleet check`.

Builds the same workspace as fleet_check.py (OpenStack's real central list,
1,000 projects with some drift), commits the requirements repo to git with a
stable branch (so pins are published and the history read), then times, in
interleaved rounds: `accord fleet check` (the baseline), a first `accord
site` build, and a second build of the unchanged fleet (which writes nothing
and renders nothing). Prints the median wall and CPU times (the command's
processes, workers included) and their ratios to the baseline; CPU time is
the steadier figure on a shared machine.

    python benchmarks/site_fleet.py [--projects N] [--jobs J] [--rounds R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet_check import build_workspace  # a sibling script


def timed(command: list[str]) -> tuple[float, float, int, str]:
    """Wall and CPU seconds (user and system, the command's processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, result.returncode, result.stderr


def commit(repo: Path) -> None:
    for args in (
        ["init", "-q", "-b", "master"],
        ["add", "-A"],
        ["commit", "-qm", "Central files"],
        ["branch", "stable/2026.1"],
    ):
        subprocess.run(
            ["git", "-c", "user.name=b", "-c", "user.email=b@example.org", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="accord-site-"))
    workspace.mkdir(parents=True, exist_ok=True)
    repo = workspace / "requirements"
    if not repo.exists():
        build_workspace(workspace, args.projects)
        commit(repo)
    out = workspace / "site"
    accord = [sys.executable, "-m", "accord"]
    common = ["--requirements", str(repo), "--jobs", str(args.jobs)]
    runs = {
        "fleet check": [*accord, "fleet", "check", *common, "--format", "json"],
        "site, first build": [*accord, "site", "--out", str(out), *common],
        "site, unchanged fleet": [*accord, "site", "--out", str(out), *common],
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    said: dict[str, str] = {}
    for _ in range(args.rounds):
        shutil.rmtree(out, ignore_errors=True)
        for name, command in runs.items():
            wall, cpu, code, err = timed(command)
            times[name].append((wall, cpu))
            last = err.strip().splitlines()[-1] if err.strip() else ""
            said[name] = f"exit {code}: {last}"
    wall0 = statistics.median(w for w, _ in times["fleet check"])
    cpu0 = statistics.median(c for _, c in times["fleet check"])
    print(f"{args.projects} projects, -j {args.jobs}, median of {args.rounds}")
    for name in runs:
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(
            f"{name:22} wall {wall:6.2f} s = {wall / wall0:4.2f}x   "
            f"cpu {cpu:6.2f} s = {cpu / cpu0:4.2f}x"
        )
    for name in list(runs)[1:]:
        print(f"  {name}: {said[name]}")
    if args.keep is None:
        shutil.rmtree(workspace)


if __name__ == "__main__":
    main()
