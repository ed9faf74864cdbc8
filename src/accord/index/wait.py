"""Wait for a release to reach the index: a release takes minutes to reach a
mirror, and a bump proposed before it is there fails for nothing.

Each poll reads the project's page afresh (a client with a new, empty cache:
the shared cache would answer from a page fetched before the release), with
backoff from 2 s doubling to 30 s, until the deadline.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from packaging.version import Version

from accord.errors import AccordError
from accord.index._http import IndexUnavailable, redact
from accord.index.client import IndexClient, PackageNotFound


class ReleaseNotVisible(AccordError):
    """The release did not appear on the index in time (exit 1)."""


def wait_for_release(
    index_url: str,
    name: str,
    version: Version,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Poll until ``name`` ``version`` is on the index; the polls it took."""
    deadline = clock() + timeout
    delay = 2.0
    polls = 0
    last = "not listed yet"
    while True:
        polls += 1
        with tempfile.TemporaryDirectory(prefix="accord-wait-") as cache:
            client = IndexClient(index_url, None, cache_dir=Path(cache), retries=0)
            try:
                page = client.project(name)
                if any(f.yanked is None for f in page.files_for(version)):
                    return polls
                last = f"newest there: {max(page.versions, default='none')}"
            except PackageNotFound:
                last = "no such project there yet"
            except IndexUnavailable as error:
                last = str(error)
        left = deadline - clock()
        if left <= 0:
            raise ReleaseNotVisible(
                f"{name} {version} did not appear on {redact(index_url)} within "
                f"{timeout:g}s ({polls} poll(s); {last})"
            )
        sleep(min(delay, left))
        delay = min(delay * 2, 30.0)
