"""Benchmark: `accord review NAME` cold and warm against a PyPI-like index on
127.0.0.1 holding OpenStack's central libraries (no network).

The index is made up, but shaped like PyPI for what a review reads: a PEP
691 JSON page per library with ``--releases`` releases of four files each
(about PyPI's average page for OpenStack's list), PEP 658 ``.metadata`` for
the pinned release's wheel, and the JSON API per project and per release,
all with PyPI's ``Cache-Control: max-age=600``. ``--latency`` adds a delay
to every answer, like a round trip to PyPI.

Each round runs, interleaved: accord cold (an empty cache), accord warm
(again on that cache), one JSON API request from a fresh Python (the
floor of any review) and, with ``--baseline REV``, an older accord.

    python benchmarks/review_local_index.py --rounds 3 --baseline HEAD~6
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.version import Version

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_cold_warm import REAL, ROOT, export, reviewed, summarize, timed

TARGET = "httpx"


def publish(root: Path, name: str, pinned: str, releases: int) -> None:
    """One project: its simple page, the pinned wheel's metadata, its JSON.

    The newest release has them too: it is the one a review of the project
    reads (else a review of a library pinned below the newest release reads
    a wheel that is not there, and fails).
    """
    dist = name.replace("-", "_")
    versions = [f"0.{n}.0" for n in range(releases - 1)] + [pinned]
    newest = str(max(Version(v) for v in versions))
    files = []
    for version in versions:
        for tag in ("py3-none-any", "cp311-cp311-manylinux_2_17_x86_64",
                    "cp312-cp312-manylinux_2_17_x86_64"):  # fmt: skip
            filename = f"{dist}-{version}-{tag}.whl"
            with_metadata = version in (pinned, newest) and tag.startswith("py3")
            files.append(_file(filename, with_metadata))
        files.append(_file(f"{dist}-{version}.tar.gz", False))
    page = {"meta": {"api-version": "1.1"}, "name": name, "files": files,
            "versions": versions}  # fmt: skip
    (root / "simple" / name).mkdir(parents=True)
    (root / "simple" / name / "index.json").write_text(json.dumps(page))
    summary = f"The {name} library for things"
    (root / "files").mkdir(exist_ok=True)
    for version in dict.fromkeys((pinned, newest)):
        metadata = (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            f"Summary: {summary}\nKeywords: {name},things\nLicense: MIT\n"
            "Classifier: Programming Language :: Python :: 3\n"
            "Requires-Python: >=3.9\n"
        )
        wheel = root / "files" / f"{dist}-{version}-py3-none-any.whl"
        wheel.with_name(wheel.name + ".metadata").write_text(metadata)
        info = {"name": name, "version": version, "summary": summary,
                "keywords": f"{name},things", "license": "MIT",
                "classifiers": ["Programming Language :: Python :: 3"],
                "requires_python": ">=3.9", "requires_dist": None,
                "project_urls": None, "home_page": None, "yanked": False}  # fmt: skip
        release = {"info": info, "urls": [], "vulnerabilities": []}
        paths = [root / "pypi" / name / version]
        if version == newest:
            paths.append(root / "pypi" / name)
        for path in paths:
            path.mkdir(parents=True, exist_ok=True)
            (path / "json").write_text(json.dumps(release))


def _file(filename: str, metadata: bool) -> dict[str, object]:
    return {
        "filename": filename,
        "url": f"../../files/{filename}",
        "hashes": {"sha256": "0" * 64},
        "requires-python": ">=3.9",
        "size": 123456,
        "upload-time": "2025-11-03T17:04:54.875560Z",
        "yanked": False,
        "core-metadata": {"sha256": "1" * 64} if metadata else False,
    }


@contextmanager
def serve(root: Path, latency: float) -> Iterator[str]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def translate_path(self, path: str) -> str:
            local = Path(super().translate_path(path))
            if local.is_dir() and (local / "index.json").exists():
                return str(local / "index.json")
            return str(local)

        def guess_type(self, path: str | object) -> str:
            if str(path).endswith("index.json"):
                return "application/vnd.pypi.simple.v1+json"
            return "application/json" if str(path).endswith("json") else "text/plain"

        def send_head(self):  # type: ignore[no-untyped-def]
            time.sleep(latency)
            return super().send_head()

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "max-age=600")  # as PyPI says
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--releases", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds")
    parser.add_argument("--baseline", metavar="REV")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    from accord.central import load_central_repo
    from accord.review import comparable_names, pinned

    central = load_central_repo(REAL)
    pins = pinned(central)
    scratch = Path(tempfile.mkdtemp(prefix="accord-review-local-"))
    index = scratch / "index"
    names = [*comparable_names(central), TARGET]
    for name in dict.fromkeys(names):
        publish(index, name, str(pins.get(name, "1.0.0")), args.releases)
    size = sum(p.stat().st_size for p in (index / "simple").rglob("*.json"))
    trees = {"accord": ROOT / "src"}
    if args.baseline:
        (scratch / "baseline").mkdir()
        trees[f"accord {args.baseline}"] = export(args.baseline, scratch / "baseline")
    empty = scratch / "no-distro"
    empty.write_text("")
    base_env = {"PYTHONPYCACHEPREFIX": str(scratch / "pyc"), "PATH": "/usr/bin:/bin"}
    results: dict[str, list[tuple[float, float]]] = {}
    try:
        with serve(index, args.latency) as url:
            review = [sys.executable, "-m", "accord", "review", TARGET,
                      "--requirements", str(REAL), "--format", "json",
                      "--index-url", f"{url}simple/", "--pypi-json-url",
                      f"{url}pypi/", "--distro-index", str(empty)]  # fmt: skip
            fetch = f"urllib.request.urlopen('{url}pypi/{TARGET}/json').read()"
            alternative = [sys.executable, "-c", f"import urllib.request; {fetch}"]
            for label, src in trees.items():  # compile once, check it runs
                env = {**base_env, "PYTHONPATH": str(src)}
                env["XDG_CACHE_HOME"] = str(scratch / "warmup")
                reviewed(review, env, f"{label} warm-up", TARGET)
                shutil.rmtree(scratch / "warmup")
            for round_number in range(args.rounds):
                wall, cpu, _ = timed(alternative, base_env)
                results.setdefault("alternative (one JSON GET)", []).append((wall, cpu))
                for number, (label, src) in enumerate(trees.items()):
                    cache = scratch / f"cache-{round_number}-{number}"
                    env = {**base_env, "PYTHONPATH": str(src)}
                    env["XDG_CACHE_HOME"] = str(cache)
                    for kind in ("cold", "warm"):
                        run = f"{label} {kind}"
                        wall, cpu = reviewed(review, env, run, TARGET)
                        results.setdefault(run, []).append((wall, cpu))
                    shutil.rmtree(cache)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    floor = statistics.median(w for w, _ in results["alternative (one JSON GET)"])
    print(
        f"accord review {TARGET}: {len(names) - 1} central libraries, pages "
        f"{size / 1e6:.0f} MB, latency {args.latency * 1000:.0f} ms, "
        f"{args.rounds} rounds, median (min-max)"
    )
    summarize(results, floor, args.baseline)


if __name__ == "__main__":
    main()
