"""Benchmark: `accord audit` over OpenStack's pins, cold and warm.

No network: a local index (tests/indexserver.py) publishes every pinned
release of ../shared/data/openstack/upper-constraints.txt (575 pins), and a
local OSV-compatible server (tests/osvserver.py) knows a few planted
advisories. The audit runs twice as a whole process: cold (an empty cache)
and warm (the same cache, nothing new). Prints wall times, the requests each
run made (a warm run should make only conditional ones and no querybatch),
and ratios against the interpreter's own start-up measured in the same run.
Ratios only, never a pass or fail.

With ``--baseline SRC`` (another accord's ``src``, e.g. /work/main/src) the
two trees run alternately, each with its own cache (a cold run each, then
the warm rounds interleaved), and each warm run's wall time and CPU time
(user + system of the audit process: steadier than wall time on a shared
machine) are compared, with their range. A warm run reads what the last
one learnt from one summary file (accord.audit.learnt) and revalidates
each project's page; the fake index's own answers take CPU time too, so
on a busy machine wall time follows the server as much as the audit.

Bytecode is kept (in the work directory), as an installed accord has it;
``--no-bytecode-cache`` compiles every module at every run instead (what
an environment with PYTHONDONTWRITEBYTECODE=1 measures).

    python benchmarks/audit_openstack.py [--rounds N] [--baseline SRC]
        [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import json
import os
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
if not REAL.is_dir():
    REAL = Path("/work/shared/data/openstack")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env
    )
    return time.perf_counter() - start, result.returncode, result.stdout


def cpu_timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _, _ = timed(command, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(
    command: list[str],
    env: dict[str, str],
    baseline: Path,
    rounds: int,
    work: Path,
    cold_rounds: int = 2,
) -> None:
    """This tree and ``baseline`` alternately: cold runs (each with a new
    cache), then warm rounds on the last cold run's cache."""
    trees = {"this tree": ROOT / "src", "baseline": baseline}
    envs: dict[str, dict[str, str]] = {}
    colds: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    for number in range(cold_rounds):
        order = list(trees) if number % 2 == 0 else list(trees)[::-1]
        for label in order:
            cache = work / f"{label}-{number}"
            envs[label] = {
                **env,
                "PYTHONPATH": str(trees[label]),
                "XDG_CACHE_HOME": str(cache),
            }
            colds[label].append(cpu_timed(command, envs[label]))
    warms: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
    for number in range(rounds):
        order = list(trees) if number % 2 == 0 else list(trees)[::-1]
        for label in order:
            warms[label].append(cpu_timed(command, envs[label]))
    for kind, runs in (("cold", colds), ("warm", warms)):
        for label, measured in runs.items():
            walls, cpus = [w for w, _ in measured], [c for _, c in measured]
            print(
                f"{label:>9}: {kind} {statistics.median(walls):6.3f} s wall "
                f"({min(walls):.3f}-{max(walls):.3f}), "
                f"{statistics.median(cpus):6.3f} s CPU "
                f"({min(cpus):.3f}-{max(cpus):.3f}) "
                f"(median and range of {len(measured)}; {trees[label]})"
            )
        pairs = list(zip(runs["this tree"], runs["baseline"], strict=True))
        wall_ratio = statistics.median(o[0] / t[0] for o, t in pairs)
        cpu_ratio = statistics.median(o[1] / t[1] for o, t in pairs)
        print(
            f"{kind}: this tree / baseline, per round: wall {wall_ratio:.2f}x, "
            f"CPU {cpu_ratio:.2f}x"
        )


def child_env(work: Path, no_bytecode_cache: bool) -> dict[str, str]:
    """The audit's environment: no proxy for the local servers, a cache in
    ``work``, bytecode kept there unless ``no_bytecode_cache``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    if no_bytecode_cache:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="warm runs to time")
    parser.add_argument(
        "--baseline", type=Path, help="another accord's src to compare with"
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile accord from source every run (as PYTHONDONTWRITEBYTECODE "
        "does; default: bytecode kept in the work directory, as an installed "
        "accord has it)",
    )
    options = parser.parse_args()
    rounds = options.rounds
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from tests.indexserver import Release, TestIndex
    from tests.osvserver import FakeOsv

    from accord.central import load_central_repo

    central = load_central_repo(REAL)
    assert central.constraints is not None
    pins = central.constraints.pins
    versions: dict[str, set[str]] = {}
    for pin in pins:
        versions.setdefault(pin.name, set()).add(str(pin.version))
    licences = {e.name: e.licence or "Apache-2.0" for e in central.global_list.entries}
    work = Path(tempfile.mkdtemp(prefix="accord-audit-bench-"))
    env = child_env(work, options.no_bytecode_cache)
    start = time.perf_counter()
    with TestIndex(work / "index") as index, FakeOsv() as osv:
        for name, pinned in versions.items():
            text = licences.get(name, "Apache-2.0")
            index.add(
                name,
                [Release(v, uploaded="2026-06-01", license=text) for v in pinned],
            )
        for number, name in enumerate(sorted(versions)[::50]):
            osv.add(f"GHSA-bench-{number:04d}", name, sorted(versions[name]))
        built = time.perf_counter() - start
        print(
            f"{len(pins)} pins, {sum(map(len, versions.values()))} releases of "
            f"{len(versions)} projects; fake index built in {built:.1f} s"
        )
        command = [
            sys.executable, "-m", "accord", "audit", "--requirements", str(REAL),
            "--index-url", index.simple_url, "--osv-url", osv.url,
            "--format", "json", "-q",
        ]  # fmt: skip
        if options.baseline is not None:
            compare(command, env, options.baseline.resolve(), rounds, work)
            shutil.rmtree(work, ignore_errors=True)
            return
        floor = min(timed([sys.executable, "-c", "pass"], env)[0] for _ in range(3))
        cold, code, out = timed(command, env)
        cold_requests = (len(index.log), len(osv.log), len(osv.requests("POST")))
        try:
            summary = json.loads(out)["summary"]
        except (json.JSONDecodeError, KeyError):
            print(out[-2000:])
            return
        warm_times = []
        for _ in range(rounds):
            index.clear_requests()
            osv.clear()
            warm, _, _ = timed(command, env)
            warm_times.append(warm)
        conditional = sum("if-none-match" in r.headers for r in [*index.log, *osv.log])
        warm = statistics.median(warm_times)
        print(f"interpreter start-up (floor):  {floor:6.3f} s")
        print(
            f"cold audit: {cold:6.2f} s  (exit {code}, {summary}); requests: "
            f"index {cold_requests[0]}, OSV {cold_requests[1]} "
            f"({cold_requests[2]} querybatch)"
        )
        print(
            f"warm audit: {warm:6.2f} s  (median of {rounds}); requests: "
            f"index {len(index.log)}, OSV {len(osv.log)} "
            f"({len(osv.requests('POST'))} querybatch), "
            f"{conditional} of them conditional"
        )
        print(f"ratio cold / warm:   {cold / warm:5.1f}x")
        print(f"ratio warm / floor:  {warm / floor:5.1f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
