"""Benchmark: what relaying one large file costs the relay in memory, and
how soon its first byte reaches the client.

A local index (http.server on 127.0.0.1, no network) serves one project
page and a file of ``--mib`` MiB of random bytes; a child process runs a
relay, reads the file through it as uv would (the whole body, its SHA-256
checked) and reports the growth of its peak RSS while doing so and the
seconds to the first byte. With ``--baseline SRC`` (another accord's
``src``, e.g. /work/main/src) the two trees run alternately, each round
one of each.

    python benchmarks/relay_file_stream.py [--mib 128] [--rounds 3]
        [--baseline SRC]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import hashlib, json, os, resource, sys, time, urllib.request
from accord.index._http import Fetcher
from accord.index.relay import Relay

index, expected = sys.argv[1], sys.argv[2]
with Relay([index], Fetcher(None, 120, 0)) as relay:
    page = relay.page(0, "alpha").body.decode()
    start = page.index(relay.base)
    url = page[start : page.index('"', start)].partition("#")[0]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.monotonic()
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=300) as reply:
        digest.update(reply.read(1))
        first = time.monotonic() - began
        while chunk := reply.read(1 << 20):
            digest.update(chunk)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert digest.hexdigest() == expected, "the file came through changed"
print(json.dumps({"first": first, "grown_mib": (after - before) / 1024}))
"""


def serve(root: Path) -> ThreadingHTTPServer:
    handler = partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make_index(root: Path, mib: int) -> str:
    """The file, its page, and the file's SHA-256."""
    (root / "files").mkdir(parents=True)
    digest = hashlib.sha256()
    with (root / "files" / "alpha-1.0.tar.gz").open("wb") as stream:
        for _ in range(mib):
            block = os.urandom(1 << 20)
            digest.update(block)
            stream.write(block)
    page = root / "simple" / "alpha"
    page.mkdir(parents=True)
    link = '<a href="../../files/alpha-1.0.tar.gz">alpha-1.0.tar.gz</a>'
    (page / "index.html").write_text(f"<html><body>{link}</body></html>\n")
    return digest.hexdigest()


def run(src: Path, index: str, expected: str, work: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "XDG_CACHE_HOME": str(work)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, index, expected],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--baseline", type=Path, help="another accord's src to compare with"
    )
    options = parser.parse_args()
    trees = {"this tree": ROOT / "src"}
    if options.baseline is not None:
        trees["baseline"] = options.baseline.resolve()
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        work = Path(tmp)
        expected = make_index(work / "index", options.mib)
        server = serve(work / "index")
        index = f"http://127.0.0.1:{server.server_address[1]}/simple/"
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        try:
            for number in range(options.rounds):
                order = list(trees.items())
                for name, src in order if number % 2 == 0 else order[::-1]:
                    runs[name].append(run(src, index, expected, work / "cache"))
        finally:
            server.shutdown()
            server.server_close()
    for name, results in runs.items():
        first = statistics.median(r["first"] for r in results)
        grown = statistics.median(r["grown_mib"] for r in results)
        print(
            f"{name}: a {options.mib} MiB file through the relay: first byte "
            f"after {first:.2f} s, peak RSS grew {grown:.0f} MiB "
            f"(medians of {len(results)})"
        )
    if options.baseline is not None:
        pairs = zip(runs["this tree"], runs["baseline"], strict=True)
        ratios = [mine["first"] / theirs["first"] for mine, theirs in pairs]
        print(
            "first byte, this tree / baseline, per round: "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
        )


if __name__ == "__main__":
    main()
