"""Benchmark: `accord site` over 1,000 synthetic projects, against `fleet check`.

Builds the same workspace as fleet_check.py (OpenStack's real central list,
1,000 projects with some drift), commits the requirements repo to git with a
stable branch (so pins are published and the history read), then times, in
one run: `accord fleet check` (the baseline), a first `accord site` build,
and a second build of the unchanged fleet (which writes nothing). Prints the
times and their ratios to the baseline.

    python benchmarks/site_fleet.py [--projects N] [--jobs J] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet_check import build_workspace  # a sibling script


def timed(command: list[str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, result.returncode, result.stderr


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
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    workspace = args.keep or Path(tempfile.mkdtemp(prefix="accord-site-"))
    workspace.mkdir(parents=True, exist_ok=True)
    repo = workspace / "requirements"
    if not repo.exists():
        build_workspace(workspace, args.projects)
        commit(repo)
    out = workspace / "site"
    shutil.rmtree(out, ignore_errors=True)
    accord = [sys.executable, "-m", "accord"]
    common = ["--requirements", str(repo), "--jobs", str(args.jobs)]
    check, _, _ = timed([*accord, "fleet", "check", *common, "--format", "json"])
    first, code, said = timed([*accord, "site", "--out", str(out), *common])
    second, _, again = timed([*accord, "site", "--out", str(out), *common])
    pages = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"fleet check, {args.projects} projects  {check:7.2f} s (baseline)")
    print(
        f"site, first build            {first:7.2f} s = {first / check:.2f}x "
        f"(exit {code}, {pages} files)"
    )
    print(f"site, unchanged fleet        {second:7.2f} s = {second / check:.2f}x")
    print(f"  first:  {said.strip().splitlines()[-1] if said.strip() else ''}")
    print(f"  second: {again.strip().splitlines()[-1] if again.strip() else ''}")
    if args.keep is None:
        shutil.rmtree(workspace)


if __name__ == "__main__":
    main()
