"""Benchmark: cold pins for several Pythons against `uv pip compile --universal`.

Uses the network (the real index): not part of CI. On OpenStack's global
list, interleaved, several rounds, each run with empty caches:

- accord: `accord constraints generate` for the Pythons (per-Python pins:
  each Python gets the newest versions that work on it);
- uv: one `uv pip compile --universal` from the oldest Python, the same
  requirements, holds, declared metadata and `--only-binary :all:`, uv
  talking to the index itself.

Prints each side's median and spread and the ratio accord/uv (the target
is <= 0.8). With ``--stale``, then waits out the pages' max-age (ten
minutes) after a last accord run and times ``--refresh`` on its caches
against the network floor: fetching the simple pages of every pinned name
(16 at a time, the same Fetcher accord uses), measured here and now.
With ``--baseline DIR`` (another checkout of accord, e.g. ``git worktree
add /tmp/base main``), that accord runs too, interleaved, cold and stale.
With ``--compare-lock``, also one platform-restricted ``uv lock``, that lock
and the universal compile through accord's relay, and the lock split per
Python against accord's pins (see universal_lock.py).

    python benchmarks/pins_vs_universal.py [--rounds 3]
        [--pythons 3.11,3.12,3.13,3.14] [--stale] [--uv-cache-dir DIR]
        [--baseline DIR] [--compare-lock]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from constraints_generate import REAL, STATIC  # noqa: E402
from universal_lock import (  # noqa: E402
    accord_pins,
    compare,
    lock_command,
    lock_project,
    oldest_request,
    relayed,
    split_lock,
)

MAX_AGE = 600  # what PyPI (and the relay) say of a page


def make_repo(work: Path, pythons: list[str]) -> Path:
    """OpenStack's central files without their pins (a first generation),
    with the wheel-less libraries declared."""
    repo = work / "requirements"
    shutil.copytree(REAL, repo)
    (repo / "upper-constraints.txt").unlink()
    (repo / "accord.toml").write_text(
        f"python-versions = {pythons!r}\n"
        + "".join(
            f'[[static-metadata]]\nname = "{name}"\nrequires-dist = []\n'
            for name in STATIC
        )
    )
    return repo


def universal_inputs(repo: Path, work: Path) -> list[str]:
    """uv's arguments for the universal resolution of what accord resolves."""
    work.mkdir(parents=True, exist_ok=True)
    from accord.resolve.uv import find_uv
    from accord.resolve.uv_static import render_dependency_metadata, static_exemptions

    central, oldest, request = oldest_request(repo)
    settings = central.config.resolution
    exempt, held = static_exemptions(settings.static_metadata)
    (work / "requirements.in").write_text("\n".join(request.requirements) + "\n")
    (work / "holds.txt").write_text("\n".join((*request.constraints, *held)) + "\n")
    (work / "uv.toml").write_text(render_dependency_metadata(settings.static_metadata))
    command = [
        find_uv(), "pip", "compile", str(work / "requirements.in"),
        "--universal", "--python-version", oldest,
        "--constraint", str(work / "holds.txt"),
        "--config-file", str(work / "uv.toml"),
        "--only-binary", ":all:",
        "--no-header", "--no-annotate", "--quiet", "--no-python-downloads",
        "--output-file", str(work / "universal.txt"),
    ]  # fmt: skip
    for name in exempt:
        command += ["--no-binary", name]
    return command


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env
    )
    return time.perf_counter() - start, result.returncode, result.stderr[-2000:]


def accord_command(repo: Path, pythons: list[str], *extra: str) -> list[str]:
    command = [sys.executable, "-m", "accord", "constraints", "generate", *extra]
    command += ["--requirements", str(repo)]
    for python in pythons:
        command += ["--python", python]
    return command


def caches(base: Path, name: str, checkout: Path = ROOT) -> dict[str, str]:
    """An environment with empty caches of its own under ``base``, running
    the accord in ``checkout``."""
    return {
        **os.environ,
        "PYTHONPATH": str(checkout / "src"),
        "UV_CACHE_DIR": str(base / name / "uv"),
        "XDG_CACHE_HOME": str(base / name / "xdg"),
    }


def summary(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    spread = max(times) - min(times)
    shown = ", ".join(f"{t:.1f}" for t in times)
    print(f"{label}: median {median:6.1f} s, spread {spread:4.1f} s  ({shown})")
    return median


def network_floor(repo: Path) -> tuple[float, int]:
    """Seconds to fetch the simple page of every name pinned, 16 at a time."""
    from accord.index._http import Fetcher
    from accord.index.relay._relay import PAGE_ACCEPT
    from accord.model.constraints import parse_constraints

    text = (repo / "upper-constraints.txt").read_text()
    names = sorted({p.name for p in parse_constraints(text, "pins").pins})
    fetcher = Fetcher(None, timeout=60.0, retries=3)

    def fetch(name: str) -> int:
        response = fetcher.get(f"https://pypi.org/simple/{name}/", PAGE_ACCEPT)
        return 0 if response is None else len(response.body)

    start = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(fetch, names))
    return time.perf_counter() - start, len(names)


def stale_reruns(
    checkouts: dict[str, Path],
    repos: dict[str, Path],
    pythons: list[str],
    store: Path,
    last: dict[str, str],
) -> None:
    """Each accord's ``--refresh`` on its last run's caches once the pages'
    max-age is over, against the network floor measured before and after."""
    ended = time.time()
    floor, pages = network_floor(repos["accord"])
    time.sleep(max(0.0, ended + MAX_AGE + 5 - time.time()))
    again: dict[str, float] = {}
    for side, checkout in checkouts.items():
        seconds, code, error = timed(
            accord_command(repos[side], pythons, "--refresh"),
            caches(store, last[side], checkout),
        )
        if code != 0:
            sys.exit(f"re-run of {side} failed (exit {code}):\n{error}")
        again[side] = seconds
    floor_after, _ = network_floor(repos["accord"])
    floor = min(floor, floor_after)
    print(f"network floor ({pages} pages, 16 at a time): {floor:.1f} s")
    for side, seconds in again.items():
        print(f"{side} re-run after max-age: {seconds:.1f} s")
        print(f"ratio {side} re-run/floor: {seconds / floor:.2f} (target <= 2)")


def other_command(side: str, universal: list[str], repo: Path, work: Path) -> list[str]:
    """The command of a side that is not an accord's."""
    if side == "uv":
        return universal
    if side == "uv-relay":
        return universal_inputs(repo, work)
    lock_project(repo, work)
    return lock_command(work)


def report_lock(
    times: dict[str, list[float]],
    uv: float,
    relay_cpu: dict[str, list[float]],
    lock: Path,
    repo: Path,
    pythons: list[str],
) -> None:
    """The lock's sides against uv's, and its last lock split per Python
    against accord's last pins."""
    labels = {
        "lock": "uv lock, linux x86_64",
        "lock-relay": "uv lock, through the relay",
        "uv-relay": "uv --universal, relay",
    }
    for side, label in labels.items():
        median = summary(f"{label:28}", times[side])
        print(f"ratio {side}/uv: {median / uv:.2f}")
    for side, cpu in relay_cpu.items():
        print(f"relay CPU in {side}: " + ", ".join(f"{c:.1f} s" for c in cpu))
    ours = accord_pins(repo / "upper-constraints.txt", pythons)
    differences = compare(split_lock(lock, pythons), ours, repo)
    print(f"lock split per Python vs accord: {len(differences)} differences")
    print("\n".join(differences))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", default="3.11,3.12,3.13,3.14")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stale", action="store_true", help="also the re-run")
    parser.add_argument("--uv-cache-dir", type=Path, default=None)
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument(
        "--compare-lock", action="store_true", help="also uv lock and the relay"
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    pythons = args.pythons.split(",")
    work = Path(tempfile.mkdtemp(prefix="accord-universal-"))
    store = Path(tempfile.mkdtemp(dir=args.uv_cache_dir, prefix="accord-uv-"))
    # Each accord writes its own copy (the re-run starts from its own pins).
    checkouts = {"accord": ROOT}
    if args.baseline is not None:
        checkouts["baseline"] = args.baseline.resolve()
    repos = {side: make_repo(work / side, pythons) for side in checkouts}
    universal = universal_inputs(repos["accord"], work)
    sides = [*checkouts, "uv"]
    if args.compare_lock:
        sides += ["lock", "lock-relay", "uv-relay"]
    times: dict[str, list[float]] = {side: [] for side in sides}
    relay_cpu: dict[str, list[float]] = {"lock-relay": [], "uv-relay": []}
    last: dict[str, str] = {}
    for number in range(args.rounds):
        shift = number % len(sides)  # no side always goes first
        for side in sides[shift:] + sides[:shift]:
            name = f"{side}-{number}"
            env = caches(store, name, checkouts.get(side, ROOT))
            if side in checkouts:
                # Cold: no previous pins either.
                (repos[side] / "upper-constraints.txt").unlink(missing_ok=True)
                command = accord_command(repos[side], pythons)
            else:
                command = other_command(side, universal, repos["accord"], work / name)
            if side in relay_cpu:
                with relayed(env, pythons, store / name / "relay") as measured:
                    seconds, code, error = timed(command, env)
                relay_cpu[side].append(measured["cpu"])
            else:
                seconds, code, error = timed(command, env)
            if code != 0:
                sys.exit(f"{side} failed (exit {code}):\n{error}")
            times[side].append(seconds)
            if side in checkouts:
                if side in last:
                    shutil.rmtree(store / last[side])
                last[side] = name
            else:
                shutil.rmtree(store / name)
    print(f"{len(pythons)} Pythons ({args.pythons}), {args.rounds} rounds, cold")
    uv = summary("uv pip compile --universal  ", times["uv"])
    for side in checkouts:
        median = summary(f"{side + ' constraints generate':28}", times[side])
        print(f"ratio {side}/uv: {median / uv:.2f} (target <= 0.80)")
    if args.compare_lock:
        lock = work / f"lock-{args.rounds - 1}"
        report_lock(times, uv, relay_cpu, lock, repos["accord"], pythons)
    if args.stale:
        stale_reruns(checkouts, repos, pythons, store, last)
    shutil.rmtree(work)
    shutil.rmtree(store)


if __name__ == "__main__":
    main()
