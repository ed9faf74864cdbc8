"""Benchmark: `accord fleet check` at --jobs = the CPUs (its default) against
--jobs = the CPUs plus four (the default for work that waits), over the
1,000-project fleet of benchmarks/fleet_check.py.

Prints, over interleaved rounds (median and spread), the CPU time of the
whole command (every process: the command and its workers) and its wall
time at each setting, and their ratios round by round. More workers than
CPUs only take turns on them, each loading the requirements repo again, so
the ratio of CPU is above 1 and the one of wall not below it.
For instructions rather than time (a loaded machine moves both), run one
setting under ``valgrind --tool=callgrind --trace-children=yes`` and add up
the ``summary:`` lines of its output files.

    python benchmarks/fleet_jobs.py [--projects N] [--rounds R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fleet_check import build_workspace  # a sibling script

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds of the command and everything it waited for, and wall."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def summary(values: list[float]) -> str:
    """Median and spread (lowest-highest) of a few rounds."""
    return f"{statistics.median(values):7.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="accord-fleet-"))
    workspace.mkdir(parents=True, exist_ok=True)
    if not (workspace / "requirements").exists():
        build_workspace(workspace, args.projects)
    cpus = len(os.sched_getaffinity(0))
    settings = {"cpus": cpus, "cpus+4": min(32, cpus + 4)}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    fleet = [sys.executable, "-m", "accord", "fleet", "check", "--format", "json"]
    fleet += ["--requirements", str(workspace / "requirements")]
    cpu: dict[str, list[float]] = {label: [] for label in settings}
    wall: dict[str, list[float]] = {label: [] for label in settings}
    for round_ in range(args.rounds):  # interleaved, the order alternating
        labels = list(settings) if round_ % 2 == 0 else list(settings)[::-1]
        for label in labels:
            seconds, elapsed = run([*fleet, "--jobs", str(settings[label])], env)
            cpu[label].append(seconds)
            wall[label].append(elapsed)
    print(f"fleet check, {args.rounds} rounds (median, spread), {cpus} CPUs")
    for label, jobs in settings.items():
        print(
            f"--jobs {jobs:2d} ({label:6s})  CPU s {summary(cpu[label])}"
            f"  wall s {summary(wall[label])}"
        )
    for name, series in (("CPU", cpu), ("wall", wall)):
        ratios = [a / b for a, b in zip(series["cpus+4"], series["cpus"], strict=True)]
        print(f"{name} at cpus+4 / at cpus       {summary(ratios)}")
    if args.keep is None:
        shutil.rmtree(workspace)


if __name__ == "__main__":
    main()
