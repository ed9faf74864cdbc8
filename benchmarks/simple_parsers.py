"""Benchmark: accord's simple-API parsing (pypi-simple, through accord's
adapter) against another accord's (``--baseline SRC``: before issue 16, its
own hand-written parsers), on real pages.

Uses the network (not part of CI): fetches a big project page (botocore:
about 5,000 files) and a typical one (six) from PyPI, as PEP 691 JSON and as
PEP 503 HTML. Each tree runs in a fresh process per round, the trees
interleaved: the first JSON parse there (which pays importing the parser:
pypi-simple with bs4 and pydantic, imported lazily), then the best of three
of each page in each format. Prints medians over the rounds and the ratios
this tree / baseline; also checks both trees read the same pages.

    python benchmarks/simple_parsers.py --baseline /tmp/base/src [--rounds 3]
        [PROJECT ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JSON = "application/vnd.pypi.simple.v1+json"


def fetch(url: str, accept: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as answer:
        body: bytes = answer.read()
        return body, answer.headers.get("Content-Type", "text/html")


def best_of(run: Callable[[], object], times: int = 3) -> float:
    elapsed = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        elapsed.append(time.perf_counter() - start)
    return min(elapsed)


def measure(pages_file: str) -> None:
    """In a fresh process of one tree: time its parse_page on every page."""
    from packaging.utils import canonicalize_name

    from accord.index._simple import parse_page

    pages = json.loads(Path(pages_file).read_text())
    results: dict[str, object] = {}
    first = True
    fields = [
        "filename", "url", "version", "yanked", "metadata_url",
        "requires_python", "hashes", "is_wheel", "size", "upload_time",
    ]  # fmt: skip
    for page in pages:
        body = Path(page["path"]).read_bytes()
        name = canonicalize_name(page["project"])

        def parse(
            page: dict[str, str] = page, body: bytes = body, name: str = name
        ) -> object:
            return parse_page(body, page["content_type"], page["url"], name)

        if first:  # the first parse of the process pays the parser's import
            start = time.perf_counter()
            parse()
            results["first"] = time.perf_counter() - start
            first = False
        results[page["label"]] = best_of(parse)
        parsed = parse()
        files = parsed.files  # type: ignore[attr-defined]
        results[page["label"] + " digest"] = repr(
            [[str(getattr(f, field)) for field in fields] for f in files]
        )
    results["pypi_simple imported"] = "pypi_simple" in sys.modules
    print(json.dumps(results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", default=["botocore", "six"])
    parser.add_argument("--baseline", type=Path, help="another accord's src")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.measure)
        return 0
    work = Path(tempfile.mkdtemp(prefix="accord-parsers-"))
    pages = []
    for project in options.projects:
        url = f"https://pypi.org/simple/{project}/"
        for kind, accept in (("json", JSON), ("html", "text/html")):
            body, content_type = fetch(url, accept)
            path = work / f"{project}.{kind}"
            path.write_bytes(body)
            label = f"{project} {kind} ({len(body) / 1e3:.0f} kB)"
            pages.append(
                {
                    "project": project,
                    "url": url,
                    "path": str(path),
                    "content_type": content_type,
                    "label": label,
                }
            )
    (work / "pages.json").write_text(json.dumps(pages))
    trees = {"this tree": ROOT / "src"}
    if options.baseline is not None:
        trees["baseline"] = options.baseline.resolve()
    runs: dict[str, list[dict[str, object]]] = {label: [] for label in trees}
    for number in range(options.rounds):
        order = list(trees) if number % 2 == 0 else list(trees)[::-1]
        for label in order:
            env = {**os.environ, "PYTHONPATH": str(trees[label])}
            command = [sys.executable, __file__, "--measure", str(work / "pages.json")]
            out = subprocess.run(
                command, capture_output=True, text=True, check=True, env=env
            ).stdout
            runs[label].append(json.loads(out))
    keys = ["first", *(page["label"] for page in pages)]
    print(f"{'':34}" + "".join(f"{label:>14}" for label in trees) + "     ratio")
    for key in keys:
        medians = [
            statistics.median(float(r[key]) for r in runs[label])  # type: ignore[arg-type]
            for label in trees
        ]
        ratio = f"{medians[0] / medians[1]:8.2f}x" if len(medians) == 2 else ""
        shown = "first parse (with import)" if key == "first" else key
        print(f"{shown:34}" + "".join(f"{m * 1000:11.1f} ms" for m in medians) + ratio)
    for label in trees:
        print(
            f"{label}: pypi_simple imported: {runs[label][0]['pypi_simple imported']}"
        )
    if len(trees) == 2:
        for page in pages:
            key = page["label"] + " digest"
            same = runs["this tree"][0][key] == runs["baseline"][0][key]
            print(f"{page['label']}: same files in both trees: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
