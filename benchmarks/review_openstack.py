"""Benchmark: review every library of OpenStack's global list, real index.

Uses the network (not part of CI). Runs `accord review` on all the central
libraries at once, cold (an empty HTTP cache) and warm (the same cache),
then one library warm; prints wall times and how many verdicts of each
kind each criterion gave.

    python benchmarks/review_openstack.py
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "openstack"


def run(args: list[str], cache: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "accord", "review", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )
    return (
        time.perf_counter() - start,
        result.returncode,
        result.stdout or result.stderr,
    )


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from accord.model.global_list import parse_global_list

    names = sorted(
        {
            e.requirement.name
            for e in parse_global_list(
                (REAL / "global-requirements.txt").read_text(), "g"
            ).entries
        }
    )
    cache = Path(tempfile.mkdtemp(prefix="accord-review-"))
    args = [*names, "--requirements", str(REAL), "--format", "json"]
    cold, code, out = run(args, cache)
    print(f"{len(names)} libraries, cold: {cold:6.1f} s (exit {code})")
    try:
        documents = json.loads(out)["reviews"]
    except json.JSONDecodeError:
        print(out[-2000:])
        return
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for document in documents:
        for criterion in document["criteria"]:
            counts[criterion["id"]][criterion["verdict"]] += 1
    for criterion, verdicts in counts.items():
        print(f"  {criterion:16} " + ", ".join(f"{v} {n}" for v, n in verdicts.items()))
    warm, code, _ = run(args, cache)
    print(f"{len(names)} libraries, warm: {warm:6.1f} s (exit {code})")
    one, code, _ = run(
        ["requests", "--requirements", str(REAL), "--format", "json"], cache
    )
    print(f"one library (requests), warm: {one:6.2f} s (exit {code})")
    shutil.rmtree(cache)


if __name__ == "__main__":
    main()
