"""Benchmark: `accord fleet check --jobs 2` over 1,000 synthetic projects.

Builds a workspace from OpenStack's real central list: each project has a
requirements.txt, a test-requirements.txt and a pyproject.toml, 20-60
requirements in all, mostly conforming with some drift. Prints projects per
second, the whole-run time against the time of one `accord check` process
(the baseline, measured in the same run), and peak memory.

    python benchmarks/fleet_check.py [--projects N] [--jobs J] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
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


def timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - start, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="accord-fleet-"))
    workspace.mkdir(parents=True, exist_ok=True)
    if not (workspace / "requirements").exists():
        build_workspace(workspace, args.projects)
    repo = str(workspace / "requirements")
    accord = [sys.executable, "-m", "accord"]
    one, _ = timed(
        [
            *accord,
            "check",
            str(workspace / "project-0000"),
            "--requirements",
            repo,
            "--format",
            "json",
        ]
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    whole, code = timed(
        [
            *accord,
            "fleet",
            "check",
            "--requirements",
            repo,
            "--jobs",
            str(args.jobs),
            "--format",
            "json",
        ]
    )
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(f"one project, one process   {one * 1000:8.1f} ms (baseline)")
    print(
        f"fleet check, {args.projects} projects {whole:8.2f} s  (exit {code}) "
        f"= {args.projects / whole:.0f} projects/s = {whole / one:.1f}x one project"
    )
    print(f"peak RSS of one process    {peak / 1024:8.1f} MB")
    if args.keep is None:
        shutil.rmtree(workspace)


if __name__ == "__main__":
    main()
