"""Benchmark: `accord constraints generate` for OpenStack's real global list.

Uses the network (the real index): not part of CI. Runs generation for
Pythons 3.11-3.14 cold (an empty uv cache, no previous pins: a first
generation), then warm (the same cache, previous pins as preferences: once
unchanged, once forced with --refresh), then a cold regeneration (an empty
uv cache, OpenStack's own upper-constraints.txt as the previous pins: what a
weekly job on a fresh CI node does), and reports wall time, peak memory of
the children, and how many of the resulting pins match OpenStack's own
upper-constraints.txt (same name and version). The baseline, in the same
run: the first generation with the relay turned off (uv talking to the index
itself), so the relay's ratio.

    python benchmarks/constraints_generate.py [--pythons 3.11,3.12,3.13,3.14]
        [--no-baseline] [--uv-cache-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "openstack"
# Libraries with no wheel (on Python 3.12, found one failure at a time):
# accord never builds, so each is declared under [[static-metadata]]. Their
# requires-dist is declared empty here, so their own dependencies are not
# pinned and the pins differ from OpenStack's there; a requirements team
# would declare the real lists. Other Pythons may need more.
STATIC = (
    "systemd-python", "libvirt-python", "confspirator", "netifaces",
    "python-ldap", "salt", "psycopg2", "pydotplus", "py-pure-client",
    "jsonpath-rw", "api-object-schema", "capacity", "confetti",
    "infi-dtypes-iqn", "pact", "vintage", "wsme", "pykerberos",
)  # fmt: skip


def pins(path: Path) -> dict[tuple[str, str], str]:
    sys.path.insert(0, str(ROOT / "src"))
    from accord.model.constraints import parse_constraints

    constraints = parse_constraints(path.read_text(), path.name)
    return {(p.name, str(p.marker or "")): str(p.version) for p in constraints.pins}


def run(
    repo: Path, pythons: list[str], cache: Path, *extra: str
) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "accord", "constraints", "generate", *extra]
    command += ["--requirements", str(repo)]
    for python in pythons:
        command += ["--python", python]
    start = time.perf_counter()
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "UV_CACHE_DIR": str(cache),
            "XDG_CACHE_HOME": str(cache.parent / "accord-cache"),
        },
    )
    return time.perf_counter() - start, result.returncode, result.stdout + result.stderr


def regenerate(
    work: Path,
    repo: Path,
    pythons: list[str],
    caches: Path,
    original: dict[tuple[str, str], str],
) -> None:
    """A fresh CI node regenerating the repo's file: caches empty, the
    previous pins there as preferences."""
    regen = work / "regenerate"
    shutil.copytree(REAL, regen)
    (regen / "accord.toml").write_text((repo / "accord.toml").read_text())
    fresh, code, output = run(regen, pythons, caches / "uv-cache-regenerate")
    print(f"cold regeneration: {fresh:6.1f} s  exit {code} (OpenStack's pins kept)")
    if code != 0:
        print(output[-3000:])
        return
    after = pins(regen / "upper-constraints.txt")
    moved = sum(1 for key, version in original.items() if after.get(key) != version)
    print(f"  of OpenStack's {len(original)} pin lines, {moved} moved or went")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", default="3.11,3.12,3.13,3.14")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the run without the relay"
    )
    parser.add_argument(
        "--uv-cache-dir",
        type=Path,
        default=None,
        help="where uv's (emptied) caches go, e.g. /dev/shm: unpacking sdists "
        "is much of a cold run's time on a slow filesystem (default: a temp dir)",
    )
    args = parser.parse_args()
    pythons = args.pythons.split(",")
    work = Path(tempfile.mkdtemp(prefix="accord-generate-"))
    repo = work / "requirements"
    shutil.copytree(REAL, repo)
    original = pins(repo / "upper-constraints.txt")
    (repo / "upper-constraints.txt").unlink()  # cold: no preferences either
    # libraries with no wheel: declared, as a requirements team would in its
    # accord.toml.
    (repo / "accord.toml").write_text(
        f"python-versions = {pythons!r}\n"
        + "".join(
            f'[[static-metadata]]\nname = "{name}"\nrequires-dist = []\n'
            for name in STATIC
        )
    )
    caches = Path(tempfile.mkdtemp(dir=args.uv_cache_dir, prefix="accord-uv-"))
    cache = caches / "uv-cache"
    cold_text = ""
    cold, code, output = run(repo, pythons, cache)
    print(f"cold: {cold:6.1f} s  exit {code}")
    if code != 0:
        print(output[-3000:])
    else:
        cold_text = (repo / "upper-constraints.txt").read_text()
        ours = pins(repo / "upper-constraints.txt")
        plain = {name: version for (name, marker), version in ours.items()}
        theirs = {name: version for (name, marker), version in original.items()}
        same = sum(1 for name, version in theirs.items() if plain.get(name) == version)
        print(
            f"pins: {len(ours)} lines; of OpenStack's {len(theirs)} pinned names, "
            f"{same} have the same version, {len(set(theirs) - set(plain))} absent"
        )
        warm, code, output = run(repo, pythons, cache)
        print(f"warm: {warm:6.1f} s  exit {code} (inputs unchanged: no resolution)")
        again, code, output = run(repo, pythons, cache, "--refresh")
        print(
            f"warm --refresh: {again:6.1f} s  exit {code} "
            "(resolved, pins as preferences)"
        )
    regenerate(work, repo, pythons, caches, original)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of a child: {peak:.0f} MB")
    if not args.no_baseline:
        direct = work / "direct"
        shutil.copytree(REAL, direct)
        (direct / "upper-constraints.txt").unlink()
        config = (repo / "accord.toml").read_text()
        (direct / "accord.toml").write_text(
            config.replace(
                "[[static-metadata]]",
                "[index]\nrelay = false\n\n[[static-metadata]]",
                1,
            )
        )
        baseline, code, output = run(direct, pythons, caches / "uv-cache-direct")
        print(
            f"cold without the relay: {baseline:6.1f} s  exit {code}  "
            f"(relay/direct = {cold / baseline:.2f})"
        )
        if code == 0:
            same = (direct / "upper-constraints.txt").read_text() == cold_text
            print(f"same pins as the relayed run: {'yes' if same else 'NO'}")
    shutil.rmtree(work)
    shutil.rmtree(caches)


if __name__ == "__main__":
    main()
