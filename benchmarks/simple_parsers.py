"""Benchmark: accord's simple-API parsers against pypi-simple's, on a big page.

Uses the network (not part of CI): fetches one large project page from PyPI
(botocore: about 5,000 files) as PEP 691 JSON and as PEP 503 HTML, then
times, best of three, accord's ``parse_json``/``parse_html`` and, when
pypi-simple is installed, its ``ProjectPage.from_json_data``/``from_html``
(which still leave the conversion to accord's model to do) and its import.
It is the measurement behind keeping accord's own parsers (issue 16):

    PYTHONPATH=src python benchmarks/simple_parsers.py [PROJECT]
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from collections.abc import Callable

JSON = "application/vnd.pypi.simple.v1+json"


def fetch(url: str, accept: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as answer:
        body: bytes = answer.read()
    return body


def best_of(run: Callable[[], object], times: int = 3) -> float:
    elapsed = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        elapsed.append(time.perf_counter() - start)
    return min(elapsed)


def main() -> int:
    from packaging.utils import canonicalize_name

    from accord.index._simple import parse_html, parse_json

    project = sys.argv[1] if len(sys.argv) > 1 else "botocore"
    url = f"https://pypi.org/simple/{canonicalize_name(project)}/"
    as_json, as_html = fetch(url, JSON), fetch(url, "text/html")
    name = canonicalize_name(project)
    ours_json = best_of(lambda: parse_json(as_json, url, name))
    ours_html = best_of(lambda: parse_html(as_html, url, name))
    files = len(parse_json(as_json, url, name).files)
    print(f"{project}: {files} files, {len(as_json) / 1e6:.1f} MB JSON")
    print(f"accord parse_json          {ours_json * 1000:8.1f} ms")
    print(f"accord parse_html          {ours_html * 1000:8.1f} ms")
    start = time.perf_counter()
    try:
        import pypi_simple
    except ImportError:
        print("pypi-simple is not installed: nothing to compare")
        return 0
    print(f"import pypi_simple         {(time.perf_counter() - start) * 1000:8.1f} ms")
    page = pypi_simple.ProjectPage
    theirs_json = best_of(lambda: page.from_json_data(json.loads(as_json), url))
    theirs_html = best_of(lambda: page.from_html(project, as_html, url, "utf-8"))
    print(f"pypi-simple from_json_data {theirs_json * 1000:8.1f} ms"
          f"  ({theirs_json / ours_json:.2f}x)")  # fmt: skip
    print(f"pypi-simple from_html      {theirs_html * 1000:8.1f} ms"
          f"  ({theirs_html / ours_html:.2f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
