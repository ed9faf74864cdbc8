"""Benchmark: what the relay's link rewriting costs on cold pages.

Uses the network (the real index): not part of CI, and an experiment, not
a mode of accord. A relay that left a page's file links alone (uv then
fetches files and metadata from the index's file host itself, which the
relay then never sees: no sibling metadata fetched ahead, no metadata read
out of wheels for an index without PEP 658, no credentials added to file
downloads) is measured by replacing the relay's rewrite with the page as
the index sent it. Interleaved, each run with empty caches and no previous
pins, on OpenStack's list (as pins_vs_universal.py):

- uv: one ``uv pip compile --universal``, uv talking to PyPI itself;
- uv-relay / uv-passthrough: the same through accord's relay, rewriting
  links / leaving them alone (the relay's CPU seconds reported);
- uv-passthrough-ahead: leaving them alone, the list's pages fetched ahead;
- accord: ``accord constraints generate`` as is; accord-ahead: fetching
  the list's pages ahead and resolving every Python at once (what a warm
  start does); accord-passthrough(-ahead): the same with the relay leaving
  links alone.

    python benchmarks/relay_passthrough.py [--rounds 2]
        [--pythons 3.11,3.12,3.13,3.14] [--uv-cache-dir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pins_vs_universal import (  # noqa: E402
    accord_command,
    caches,
    make_repo,
    summary,
    timed,
    universal_inputs,
)
from universal_lock import relayed  # noqa: E402

# accord, its relay leaving links alone with ACCORD_BENCH_ALONE set, and
# with ACCORD_BENCH_AHEAD set fetching the expected pages ahead and resolving
# every Python at once, as from warm caches (see UvResolver.warm_start).
PATCHED = """
import os, sys
import accord.index.relay._relay as relay
import accord.resolve.uv as uv
if os.environ.get("ACCORD_BENCH_ALONE"):
    relay.rewrite_page = lambda secret, base, response: ({}, response.body, {})
if os.environ.get("ACCORD_BENCH_AHEAD"):
    uv._WARM_SHARE = 0.0
from accord.cli import main
sys.exit(main())
"""
SIDES = (
    "uv", "uv-relay", "uv-passthrough", "uv-passthrough-ahead",
    "accord", "accord-ahead", "accord-passthrough", "accord-passthrough-ahead",
)  # fmt: skip


@contextmanager
def links_left_alone(alone: bool) -> Iterator[None]:
    import accord.index.relay._relay as relay

    rewrite = relay.rewrite_page
    if alone:
        relay.rewrite_page = lambda secret, base, response: ({}, response.body, {})
    try:
        yield
    finally:
        relay.rewrite_page = rewrite


def run(
    side: str, repo: Path, pythons: list[str], work: Path, env: dict[str, str]
) -> tuple[float, float | None]:
    """The side's seconds, and its in-process relay's CPU seconds."""
    from accord.central import load_central_repo
    from accord.resolve.generate import expected_names

    if side.startswith("accord"):
        (repo / "upper-constraints.txt").unlink(missing_ok=True)
        command = accord_command(repo, pythons)
        if side != "accord":
            command[1:3] = ["-c", PATCHED]
        if "passthrough" in side:
            env["ACCORD_BENCH_ALONE"] = "1"
        if side.endswith("ahead"):
            env["ACCORD_BENCH_AHEAD"] = "1"
        return check(side, timed(command, env)), None
    command = universal_inputs(repo, work)
    if side == "uv":
        return check(side, timed(command, env)), None
    ahead: Sequence[str] = ()
    if side.endswith("ahead"):
        ahead = expected_names(load_central_repo(repo))
    with (
        links_left_alone(side != "uv-relay"),
        relayed(env, pythons, work / "relay", ahead) as measured,
    ):
        seconds = check(side, timed(command, env))
    return seconds, measured["cpu"]


def check(side: str, result: tuple[float, int, str]) -> float:
    seconds, code, error = result
    if code != 0:
        sys.exit(f"{side} failed (exit {code}):\n{error}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", default="3.11,3.12,3.13,3.14")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--uv-cache-dir", type=Path, default=None)
    args = parser.parse_args()
    pythons = args.pythons.split(",")
    work = Path(tempfile.mkdtemp(prefix="accord-passthrough-"))
    store = Path(tempfile.mkdtemp(dir=args.uv_cache_dir, prefix="accord-uv-"))
    repo = make_repo(work / "accord", pythons)
    times: dict[str, list[float]] = {side: [] for side in SIDES}
    cpu: dict[str, list[float]] = {}
    for number in range(args.rounds):
        shift = number % len(SIDES)  # no side always goes first
        for side in SIDES[shift:] + SIDES[:shift]:
            name = f"{side}-{number}"
            env = caches(store, name)
            seconds, relay_cpu = run(side, repo, pythons, work / name, env)
            times[side].append(seconds)
            if relay_cpu is not None:
                cpu.setdefault(side, []).append(relay_cpu)
            shutil.rmtree(store / name, ignore_errors=True)
    print(f"{len(pythons)} Pythons ({args.pythons}), {args.rounds} rounds, cold")
    uv = summary(f"{'uv':26}", times["uv"])
    for side in SIDES[1:]:
        median = summary(f"{side:26}", times[side])
        print(f"  ratio {side}/uv: {median / uv:.2f}")
    for side, seconds in cpu.items():
        print(f"relay CPU in {side}: " + ", ".join(f"{s:.1f} s" for s in seconds))
    shutil.rmtree(work)
    shutil.rmtree(store)


if __name__ == "__main__":
    main()
