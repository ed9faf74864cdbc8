"""Benchmark: `accord review NAME` cold and warm against OpenStack's list.

Uses the network (not part of CI): the index is PyPI (or ``--index-url``).
Each round runs, interleaved,

- accord cold: an empty cache (``XDG_CACHE_HOME``), so the central
  libraries' metadata for the duplicates comparison, the target's page and
  the distro lists are all read afresh;
- accord warm: the same command again on that cache;
- the alternative: one request to PyPI's JSON API for NAME from a fresh
  Python (what a reviewer's script would do), the floor of any review;
- with ``--baseline REV``, the same two accord runs from git revision REV
  (exported to a temporary directory), for a before/after ratio.

Prints the median and spread (min-max) of wall time and CPU (user+sys) per
path, and the ratios to the alternative. Bytecode is compiled once (in a
temporary ``PYTHONPYCACHEPREFIX``) before the rounds, as an installed accord
would have it.

    python benchmarks/review_cold_warm.py httpx --rounds 3 --baseline HEAD~5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "openstack"


def _run(
    command: list[str], env: dict[str, str]
) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Run ``command``: wall seconds, CPU seconds (user+sys of the child)
    and what it left."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def timed(
    command: list[str], env: dict[str, str], label: str = ""
) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user+sys of the child) and its stdout; a
    run that fails (exit code other than 0) stops the benchmark, naming it."""
    wall, cpu, result = _run(command, env)
    if result.returncode != 0:
        fail(label or command[-1], f"exit {result.returncode}", result.stderr)
    return wall, cpu, result.stdout.decode("utf-8", "replace")


def reviewed(
    command: list[str], env: dict[str, str], label: str, name: str
) -> tuple[float, float]:
    """Time one `accord review NAME --format json`; a run that did not review
    NAME (an error, an unknown name, no JSON) stops the benchmark: a
    failure is never timed. Exit 1 with NAME reviewed is a criterion that
    failed, a review all the same."""
    wall, cpu, result = _run(command, env)
    try:
        document = json.loads(result.stdout)
        packages = [r["package"] for r in document["reviews"]]
    except (ValueError, KeyError, TypeError):
        document, packages = {}, []
    if (
        result.returncode not in (0, 1)
        or packages != [canonical(name)]
        or document.get("unknown")
    ):
        fail(label, f"exit {result.returncode}, reviewed {packages}", result.stderr)
    return wall, cpu


def fail(label: str, what: str, stderr: bytes) -> NoReturn:
    shown = stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
    sys.exit(f"{label}: the run failed ({what}); not timed\n" + "\n".join(shown))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def summarize(
    results: dict[str, list[tuple[float, float]]],
    floor: float,
    baseline: str | None,
) -> None:
    """Each run's line, then cold and warm against the baseline, if any."""
    for label, runs in results.items():
        show(label, runs, None if label.startswith("alternative") else floor)
    if baseline:
        for kind in ("cold", "warm"):
            new = statistics.median(w for w, _ in results[f"accord {kind}"])
            old = statistics.median(w for w, _ in results[f"accord {baseline} {kind}"])
            print(f"{kind}: {new / old:.2f}x the baseline's wall time")


def export(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "src"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def show(label: str, runs: list[tuple[float, float]], floor: float | None) -> None:
    walls = [w for w, _ in runs]
    cpus = [c for _, c in runs]
    wall = statistics.median(walls)
    ratio = f"  {wall / floor:6.1f}x the alternative" if floor else ""
    print(
        f"{label:28} wall {wall:6.2f} s ({min(walls):.2f}-{max(walls):.2f})"
        f"  cpu {statistics.median(cpus):6.2f} s ({min(cpus):.2f}-{max(cpus):.2f})"
        + ratio
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="httpx")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", metavar="REV", help="also run this revision")
    parser.add_argument("--requirements", type=Path, default=REAL)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="accord-review-bench-"))
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    base_env["PYTHONPYCACHEPREFIX"] = str(scratch / "pyc")
    trees = {"accord": ROOT / "src"}
    if args.baseline:
        (scratch / "baseline").mkdir()
        trees[f"accord {args.baseline}"] = export(args.baseline, scratch / "baseline")
    review = ["-m", "accord", "review", args.name, "--format", "json"]
    review += ["--requirements", str(args.requirements)]
    alternative = (
        "import urllib.request;"
        f"urllib.request.urlopen('https://pypi.org/pypi/{args.name}/json').read()"
    )
    results: dict[str, list[tuple[float, float]]] = {}
    try:
        command = [sys.executable, *review]
        for label, src in trees.items():  # compile once, and check it runs
            env = {**base_env, "PYTHONPATH": str(src)}
            env["XDG_CACHE_HOME"] = str(scratch / "warmup")
            reviewed(command, env, f"{label} warm-up", args.name)
            shutil.rmtree(scratch / "warmup", ignore_errors=True)
        for round_number in range(args.rounds):
            wall, cpu, _ = timed([sys.executable, "-c", alternative], base_env)
            results.setdefault("alternative (one JSON GET)", []).append((wall, cpu))
            for number, (label, src) in enumerate(trees.items()):
                cache = scratch / f"cache-{round_number}-{number}"
                env = {**base_env, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(cache)}
                for kind in ("cold", "warm"):
                    run = f"{label} {kind}"
                    wall, cpu = reviewed(command, env, run, args.name)
                    results.setdefault(run, []).append((wall, cpu))
                shutil.rmtree(cache, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    floor = statistics.median(w for w, _ in results["alternative (one JSON GET)"])
    print(f"accord review {args.name}, {args.rounds} rounds, median (min-max)")
    summarize(results, floor, args.baseline)


if __name__ == "__main__":
    main()
