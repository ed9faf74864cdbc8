"""Benchmark: `accord fleet check --jobs 2` over 1,000 synthetic projects.

Builds a workspace from OpenStack's real central list: each project has a
requirements.txt, a test-requirements.txt and a pyproject.toml, 20-60
requirements in all, mostly conforming with some drift. Prints, over
interleaved rounds (median and spread), the CPU time of the whole fleet check
per project (every process: the command and its workers; the issue's target
is 2 ms), the CPU of one `accord check` process (the baseline), `who-uses`
against `grep -rn` over the same fleet (CPU, target 3x: a first run, with an
empty cache directory each round, and a repeat run answered from the cache
that first run wrote), and peak memory. ``--before DIR`` runs another
accord's ``src/`` interleaved with this one, e.g. ``git archive COMMIT src |
tar -x -C /tmp/old`` then ``--before /tmp/old/src``. ``--memory N`` also
builds a fleet of N projects (the issue's figure is 5,000) and prints the
peak RSS of the largest process of `fleet check` (the command or a worker)
for each build, interleaved, with the now/before ratio (the issue's target:
within 10%).

    python benchmarks/fleet_check.py [--projects N] [--jobs J] [--rounds R]
        [--keep DIR] [--before SRC] [--memory N]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "openstack"


def build_workspace(workspace: Path, count: int, seed: int = 1) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from accord.model.global_list import parse_global_list

    rng = random.Random(seed)
    repo = workspace / "requirements"
    shutil.copytree(REAL, repo)
    entries = parse_global_list(
        (repo / "global-requirements.txt").read_text(), "global-requirements.txt"
    ).entries
    names = []
    for index in range(count):
        name = f"project-{index:04d}"
        names.append(name)
        project = workspace / name
        project.mkdir()
        chosen = rng.sample(entries, rng.randint(20, 60))
        lines = []
        for entry in chosen:
            text = entry.line.content.replace(
                entry.requirement.name, entry.requirement.name, 1
            )
            head, _, marker = text.partition(";")
            spec = ">=0.1" + (
                "," + head[len(entry.requirement.name) :]
                if head[len(entry.requirement.name) :]
                else ""
            )
            if rng.random() < 0.05:
                spec += ",<99"  # drift: a cap the list lacks
            lines.append(
                f"{entry.requirement.name}{spec}" + (f";{marker}" if marker else "")
            )
        third = len(lines) // 3
        (project / "requirements.txt").write_text("\n".join(lines[:third]) + "\n")
        (project / "test-requirements.txt").write_text(
            "\n".join(lines[third : 2 * third]) + "\n"
        )
        deps = ",\n".join(f"    {line!r}" for line in lines[2 * third :])
        (project / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "1"\ndependencies = [\n{deps}\n]\n'
        )
    (repo / "projects.txt").write_text("\n".join(names) + "\n")


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """CPU seconds (user + system, the command and every process it waited
    for, so fleet's workers too) and the exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, check=False, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, result.returncode


# Run in a process of its own, so its RUSAGE_CHILDREN holds only this
# command and the workers it waited for.
PEAK = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], capture_output=True, check=False); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_rss(command: list[str], env: dict[str, str]) -> float:
    """MB: the peak resident memory of the largest process ``command`` ran
    (itself or a worker; Linux reports ru_maxrss in KB)."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK, *command],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return int(result.stdout.split()[-1]) / 1024


def summary(values: list[float]) -> str:
    """Median and spread (lowest-highest) of a few rounds."""
    return f"{statistics.median(values):8.2f} ({min(values):.2f}-{max(values):.2f})"


# The least a Python who-uses can do on a first run: start, list each
# project's directory and read every file in it, testing the bytes for the
# name as grep does. No accord, no parsing, no cache: its CPU against grep's
# is the bound on who-uses's first-run ratio. Run twice: bare (python -S),
# and with packaging's requirement parser imported, the least it takes to
# read the lines found (~200 M instructions on Python 3.11).
READ_ONLY = """
import os, sys
found = 0
for project in os.scandir(sys.argv[1]):
    if project.is_dir():
        for entry in os.scandir(project.path):
            if entry.is_file():
                with open(entry.path, "rb") as file:
                    found += b"requests" in file.read().lower()
print(found)
"""
READ_PARSER = "import packaging.requirements\n"


def floors(workspace: Path) -> dict[str, list[str]]:
    """The two floor commands, by series name."""
    return {
        "read only": [sys.executable, "-S", "-c", READ_ONLY, str(workspace)],
        "read, parser": [sys.executable, "-c", READ_PARSER + READ_ONLY, str(workspace)],
    }


def env_with(src: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(src)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="another accord's src/ (e.g. a git worktree of an older commit), "
        "run interleaved with this one for a before/after ratio",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=0,
        metavar="N",
        help="also measure peak RSS of fleet check over N projects (e.g. 5000)",
    )
    args = parser.parse_args()
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="accord-fleet-"))
    workspace.mkdir(parents=True, exist_ok=True)
    if not (workspace / "requirements").exists():
        build_workspace(workspace, args.projects)
        time.sleep(2.1)  # who-uses does not cache files changed in the last 2 s
    projects = len((workspace / "requirements" / "projects.txt").read_text().split())
    repo = str(workspace / "requirements")
    accord = [sys.executable, "-m", "accord"]
    one = [*accord, "check", str(workspace / "project-0000"), "--requirements", repo]
    fleet = [*accord, "fleet", "check", "--requirements", repo]
    fleet += ["--jobs", str(args.jobs), "--format", "json"]
    who = [*accord, "who-uses", "requests", "--requirements", repo]
    grep = ["grep", "-rn", "-i", "-E", "requests", str(workspace)]
    builds = {"now": env_with(ROOT / "src")}
    if args.before is not None:
        builds["before"] = env_with(args.before.resolve())
    cpu: dict[str, list[float]] = {}
    code = 0
    for _ in range(args.rounds):  # interleaved: load hits every series alike
        for label, env in builds.items():
            cpu.setdefault(f"one {label}", []).append(run([*one], env)[0] * 1000)
            seconds, code = run(fleet, env)
            cpu.setdefault(f"fleet {label}", []).append(seconds * 1000 / projects)
            with tempfile.TemporaryDirectory(prefix="accord-cache-") as cache:
                cached = {**env, "XDG_CACHE_HOME": cache}  # empty: a first run
                cpu.setdefault(f"who-uses {label}", []).append(run(who, cached)[0])
                cpu.setdefault(f"who-uses again {label}", []).append(
                    run(who, cached)[0]
                )
        cpu.setdefault("grep", []).append(run(grep)[0])
        for series, floor in floors(workspace).items():
            cpu.setdefault(series, []).append(run(floor)[0])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        f"{projects} projects, --jobs {args.jobs}, {args.rounds} rounds "
        "(median, spread)"
    )
    for label in builds:
        print(f"[{label}] one `accord check`, CPU ms   {summary(cpu[f'one {label}'])}")
        print(
            f"[{label}] fleet check, CPU ms/project {summary(cpu[f'fleet {label}'])}"
            f"  (exit {code}; target <= 2)"
        )
    if "before" in builds:
        ratios = [
            a / b for a, b in zip(cpu["fleet now"], cpu["fleet before"], strict=True)
        ]
        print(f"fleet check CPU, now / before      {summary(ratios)}")
    who_uses_report(cpu, list(builds))
    print(f"peak RSS of one process            {peak / 1024:8.1f} MB")
    if args.keep is None:
        shutil.rmtree(workspace)
    if args.memory:
        memory(args.memory, args.jobs, args.rounds, builds)


def who_uses_report(cpu: dict[str, list[float]], builds: list[str]) -> None:
    """who-uses's CPU, first run and repeat, against grep's in the same rounds."""
    for label in builds:
        print(f"[{label}] who-uses requests, CPU s {summary(cpu[f'who-uses {label}'])}")
        print(
            f"[{label}] ... again (cached), CPU s "
            f"{summary(cpu[f'who-uses again {label}'])}"
        )
    print(f"grep -rn requests, CPU s           {summary(cpu['grep'])}")
    print(f"python -S reading every file, CPU s{summary(cpu['read only'])}")
    print(f"  ... with packaging imported      {summary(cpu['read, parser'])}")
    for series in ("read only", "read, parser"):
        ratios = [a / b for a, b in zip(cpu[series], cpu["grep"], strict=True)]
        print(f"  {series + ' / grep':33s}{summary(ratios)}  (a Python's floor)")
    for series, what in (("who-uses", "first run"), ("who-uses again", "repeat")):
        ratios = [a / b for a, b in zip(cpu[f"{series} now"], cpu["grep"], strict=True)]
        print(f"who-uses / grep, CPU, {what:10s}  {summary(ratios)}  (target <= 3)")
    if "before" in builds:
        for series, what in (("who-uses", "first run"), ("who-uses again", "repeat")):
            ratios = [
                a / b
                for a, b in zip(
                    cpu[f"{series} now"], cpu[f"{series} before"], strict=True
                )
            ]
            print(f"{f'who-uses {what}, now / before':35s}{summary(ratios)}")


def memory(
    count: int, jobs: int, rounds: int, builds: dict[str, dict[str, str]]
) -> None:
    """Peak RSS of fleet check over ``count`` projects, per build, interleaved."""
    with tempfile.TemporaryDirectory(prefix="accord-fleet-memory-") as temp:
        workspace = Path(temp)
        build_workspace(workspace, count)
        repo = str(workspace / "requirements")
        fleet = [sys.executable, "-m", "accord", "fleet", "check"]
        fleet += ["--requirements", repo, "--jobs", str(jobs), "--format", "json"]
        peaks: dict[str, list[float]] = {}
        for _ in range(rounds):
            for label, env in builds.items():
                peaks.setdefault(label, []).append(peak_rss(fleet, env))
    for label, values in peaks.items():
        print(f"[{label}] fleet check of {count}, peak RSS MB {summary(values)}")
    if "before" in peaks:
        ratios = [a / b for a, b in zip(peaks["now"], peaks["before"], strict=True)]
        print(f"peak RSS, now / before             {summary(ratios)}  (target <= 1.10)")


if __name__ == "__main__":
    main()
