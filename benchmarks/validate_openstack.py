"""Benchmark: `accord validate` on OpenStack's real central files.

Prints the median whole-process time of `accord validate`, beside two
baselines measured in the same run: a bare `python -c pass` (the floor any
Python tool pays on this machine) and, when it is installed, OpenStack's own
`validate-constraints` (pass its path with --openstack-tool). Then the
in-process parse time per entry and the rule time. Ratios, not thresholds.

OpenStack's tool at the commit in ../shared/data/openstack/SOURCE: install a
checkout of openstack/requirements into a venv of its own (``PBR_VERSION=0
pip install DIR``) and pass its bin/validate-constraints. --python runs
accord with another interpreter (a venv without this machine's extra .pth
files, as OpenStack's has), and --callgrind also counts instructions, a
ratio that holds under load.

    python benchmarks/validate_openstack.py [--repo DIR] [--runs N]
        [--openstack-tool PATH] [--python PY] [--callgrind]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_project import instructions, interleaved, spread

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPO = ROOT.parent / "shared" / "data" / "openstack"


def median_call(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--openstack-tool",
        default=shutil.which("validate-constraints"),
        help="path to OpenStack's validate-constraints, if installed",
    )
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--callgrind", action="store_true")
    args = parser.parse_args()
    repo: Path = args.repo

    accord = [args.python, "-m", "accord", "validate", str(repo)]
    # This checkout's accord (the installed one may be another), with
    # bytecode written as an install would.
    plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**plain, "PYTHONPATH": str(ROOT / "src")}
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "floor": ([args.python, "-c", "pass"], plain),
        "json": ([*accord, "--format", "json"], env),
        "table": (accord, env),
    }
    tool: list[str] | None = None
    if args.openstack_tool:
        denylist = repo / "denylist.txt"
        if not denylist.exists():
            denylist = repo / "blacklist.txt"
        # The console script's own interpreter (valgrind cannot run a shebang).
        their_python = Path(args.openstack_tool).read_text().split()[0][2:]
        tool = [
            their_python,
            args.openstack_tool,
            str(repo / "global-requirements.txt"),
            str(repo / "upper-constraints.txt"),
            str(denylist),
        ]
        commands["validate-constraints"] = (tool, plain)
    # Interleaved rounds: the machine's load falls on every command alike.
    walls = interleaved(commands, args.runs)
    floor = statistics.median(walls["floor"])
    ours = statistics.median(walls["json"])
    print(f"python -c pass            {floor * 1000:7.1f} ms (interpreter floor)")
    print(
        f"accord validate (json)    {ours * 1000:7.1f} ms  "
        f"= floor + {(ours - floor) * 1000:.1f} ms ({ours / floor:.2f}x floor)"
    )
    table = statistics.median(walls["table"])
    print(f"accord validate (table)   {table * 1000:7.1f} ms")
    if tool is not None:
        theirs = statistics.median(walls["validate-constraints"])
        print(
            f"validate-constraints      {theirs * 1000:7.1f} ms  (accord/openstack "
            f"per round: {spread(walls['json'], walls['validate-constraints'])})"
        )
        if args.callgrind:
            other = instructions(tool, plain)
            print(f"instructions: validate-constraints {other / 1e6:.1f} M")
            # The table is what a user sees (and what the gate's text is to
            # its users); json is what a machine reads.
            for output in ("table", "json"):
                mine = instructions(*commands[output])
                print(
                    f"  accord ({output:5s}) {mine / 1e6:.1f} M "
                    f"(accord/openstack = {mine / other:.3f})"
                )
    else:
        print("validate-constraints      not installed (pass --openstack-tool PATH)")

    sys.path.insert(0, str(ROOT / "src"))
    from accord.central import load_central_repo
    from accord.rules.validate import validate

    loaded = load_central_repo(repo)
    lines = len(loaded.global_list.file.lines)
    if loaded.constraints is not None:
        lines += len(loaded.constraints.file.lines)
    parse = median_call(lambda: load_central_repo(repo), args.runs)
    rules = median_call(lambda: validate(loaded), args.runs)
    print(
        f"in-process parse          {parse * 1000:7.1f} ms for {lines} lines "
        f"= {parse / lines * 1e6:.1f} us/line"
    )
    print(f"in-process rules          {rules * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
