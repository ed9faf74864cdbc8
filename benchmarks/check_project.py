"""Benchmark: whole-process `accord check` of one project (nova, ~60 entries).

Prints the median wall time of `accord check` against OpenStack's real
central files, for JSON and for the table people read, beside baselines
measured in the same run: a bare `python -c pass` (the floor any Python tool
pays on this machine) and, when given, OpenStack's own gate check of the same
project files against the same global list. Ratios, not thresholds.

OpenStack's gate logic lives in the openstack-requirements sdist
(playbooks/files/project-requirements-change.py) and needs its package
installed; put both in a separate venv, e.g.

    python3 -m venv /tmp/osvenv
    /tmp/osvenv/bin/pip install openstack-requirements==1.2.0
    pip download --no-deps --no-binary :all: openstack-requirements==1.2.0

and pass --openstack-python /tmp/osvenv/bin/python --openstack-script
<sdist>/playbooks/files/project-requirements-change.py. The script's main()
is run as it is, with --local (no git checkout of the parent commit); only
its set-up step, which builds a virtualenv and pip-installs the requirements
repo, is replaced by importing the already installed package.

With --callgrind, each command also runs once under valgrind's callgrind
and the instructions it executed are printed: a count that does not move
with the machine's load, where wall times here swing by a third.

    python benchmarks/check_project.py [--repo DIR] [--project DIR] [--runs N]
        [--python PY] [--openstack-python PY --openstack-script PATH]
        [--callgrind]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPO = ROOT.parent / "shared" / "data" / "openstack"
DEFAULT_PROJECT = ROOT / "tests" / "data" / "projects" / "nova"

# Written to a temp dir at run time: it drives OpenStack's code, it is not
# a copy of it.
OPENSTACK_DRIVER = textwrap.dedent(
    """
    import importlib.util
    import os
    import sys

    from openstack_requirements import project, requirement

    script, home, checked = sys.argv[1:4]
    spec = importlib.util.spec_from_file_location("gate", script)
    gate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gate)


    def installed(reqroot, reqdir):
        gate.project, gate.requirement = project, requirement


    gate.install_and_load_requirements = installed
    reqdir = os.path.join(home, "src", "git.openstack.org", "openstack", "requirements")
    argv = ["project-requirements-change.py", "--local"]
    if "--reqs" in open(script).read():
        # Today's script takes the requirements tree as --reqs (with --local
        # it would look beside the script itself).
        sys.argv = [*argv, "--reqs", reqdir, checked]
    else:
        # 1.2.0's reads it from a fixed path under ~.
        os.environ["HOME"] = home
        sys.argv = [*argv, checked]
    gate.main()
    """
)


def instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions ``command`` executes, counted by callgrind, with a fixed
    hash seed: with a random one the count moves by ~1% from run to run (the
    order of sets and dicts of strings decides the work, e.g. which of two
    names is compared first)."""
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            *command,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**env, "PYTHONHASHSEED": "0"},
    )
    match = re.search(r"refs:\s+([\d,]+)", result.stderr)
    if match is None:
        raise SystemExit(f"callgrind gave no count:\n{result.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def print_instructions(counts: dict[str, int]) -> None:
    for label, count in counts.items():
        print(f"instructions: {label:24} {count / 1e6:8.1f} M")
    floor = counts["python -c pass"]
    ours = counts["accord check (json)"]
    theirs = counts.get("openstack gate check")
    if theirs is not None:
        print(
            f"instructions accord/openstack: {ours / theirs:.2f}; "
            f"above each floor: {(ours - floor) / (theirs - counts['gate floor']):.2f}"
        )


def openstack_home(home: Path, repo: Path) -> Path:
    """A fake ~ holding the requirements repo where the gate script looks."""
    reqdir = home / "src" / "git.openstack.org" / "openstack" / "requirements"
    reqdir.mkdir(parents=True)
    (reqdir / "global-requirements.txt").symlink_to(
        (repo / "global-requirements.txt").resolve()
    )
    denylist = repo / "denylist.txt"
    if not denylist.exists():
        denylist = repo / "blacklist.txt"
    # 1.2.0 reads blacklist.txt; today's script denylist.txt and backports.txt.
    (reqdir / "blacklist.txt").symlink_to(denylist.resolve())
    (reqdir / "denylist.txt").symlink_to(denylist.resolve())
    if (repo / "backports.txt").exists():
        (reqdir / "backports.txt").symlink_to((repo / "backports.txt").resolve())
    return home


def gate_ran(command: list[str], env: dict[str, str]) -> None:
    """Stop unless the gate script got as far as checking the project: a
    script that fails early would otherwise be measured as a fast one."""
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env
    )
    if "Validating" not in result.stdout:
        raise SystemExit(
            "the openstack gate script did not check the project:\n"
            + (result.stdout + result.stderr)[-2000:]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO)
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter to run accord with (it needs accord's dependencies); "
        "a venv without this machine's extra .pth files lowers the floor",
    )
    parser.add_argument(
        "--openstack-python", help="a Python with openstack-requirements installed"
    )
    parser.add_argument(
        "--openstack-script",
        type=Path,
        help="the sdist's playbooks/files/project-requirements-change.py",
    )
    parser.add_argument(
        "--callgrind",
        action="store_true",
        help="also count instructions under valgrind (steady under load)",
    )
    args = parser.parse_args()
    if args.callgrind and shutil.which("valgrind") is None:
        parser.error("--callgrind needs valgrind on PATH")

    # This checkout's accord, with bytecode written as an install would.
    plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**plain, "PYTHONPATH": str(ROOT / "src")}
    python = args.python
    accord = [
        python,
        "-m",
        "accord",
        "check",
        str(args.project),
        "--requirements",
        str(args.repo),
    ]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "floor": ([python, "-c", "pass"], env),
        "json": ([*accord, "--format", "json"], env),
        "table": (accord, env),
    }
    with tempfile.TemporaryDirectory() as temp:
        gate = None
        if args.openstack_python and args.openstack_script:
            driver = Path(temp) / "driver.py"
            driver.write_text(OPENSTACK_DRIVER)
            home = openstack_home(Path(temp) / "home", args.repo)
            gate = [
                args.openstack_python,
                str(driver),
                str(args.openstack_script.resolve()),
                str(home),
                str(args.project.resolve()),
            ]
            gate_ran(gate, plain)
            commands["gate"] = (gate, plain)
            commands["gate floor"] = ([args.openstack_python, "-c", "pass"], plain)
        # Interleaved: each round runs every command once, so a change in
        # the machine's load falls on all of them alike.
        walls = interleaved(commands, args.runs)
        counts: dict[str, int] = {}
        if args.callgrind:
            counts["python -c pass"] = instructions(*commands["floor"])
            counts["accord check (json)"] = instructions(*commands["json"])
            if gate is not None:
                counts["openstack gate check"] = instructions(*commands["gate"])
                counts["gate floor"] = instructions(*commands["gate floor"])
    floor = statistics.median(walls["floor"])
    print(f"python -c pass            {floor * 1000:7.1f} ms (interpreter floor)")
    for label in ("json", "table"):
        value = statistics.median(walls[label])
        print(
            f"accord check ({label + ')':6}     {value * 1000:7.1f} ms  "
            f"= floor + {(value - floor) * 1000:.1f} ms ({value / floor:.2f}x floor)"
        )
    if gate is None:
        print(
            "openstack gate check      not run (pass --openstack-python "
            "and --openstack-script)"
        )
    else:
        theirs = statistics.median(walls["gate"])
        their_floor = statistics.median(walls["gate floor"])
        print(
            f"openstack gate check    {theirs * 1000:7.1f} ms  "
            f"= floor + {(theirs - their_floor) * 1000:.1f} ms"
        )
        for label in ("json", "table"):
            print(
                f"accord/openstack {label:5}    "
                + spread(walls[label], walls["gate"])
                + " (per round: median, quartiles)"
            )
    if counts:
        print_instructions(counts)


def interleaved(
    commands: dict[str, tuple[list[str], dict[str, str]]], runs: int
) -> dict[str, list[float]]:
    """Wall times of ``runs`` rounds, each running every command once.

    One unmeasured run of each first: it writes the bytecode a real install has.
    """
    for command, env in commands.values():
        subprocess.run(command, capture_output=True, check=False, env=env)
    walls: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, (command, env) in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False, env=env)
            walls[label].append(time.perf_counter() - start)
    return walls


def spread(ours: list[float], theirs: list[float]) -> str:
    """The ratio of two series measured in the same rounds: median and quartiles."""
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4)
    return f"{statistics.median(ratios):.2f} ({low:.2f}-{high:.2f})"


if __name__ == "__main__":
    main()
