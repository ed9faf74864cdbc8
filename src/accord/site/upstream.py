"""The newest release of each library on a package index, and its age.

Asked only when ``--index-url`` is given, so the site builds offline by
default. The index client is the one ``review`` uses (its HTTP cache, limits
and concurrency); a library the index does not know is listed, not fatal.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName

from accord.errors import AccordError


@dataclass(frozen=True, slots=True)
class Upstream:
    version: str
    uploaded: datetime.date | None  # PEP 700 upload time of its newest file


def newest_releases(
    index_url: str, names: Sequence[NormalizedName], jobs: int
) -> tuple[dict[NormalizedName, Upstream], tuple[str, ...]]:
    """Each name's newest installable release, and what could not be read."""
    from accord.index.client import IndexClient, newest_version

    client = IndexClient(index_url, pypi_json_url=None, max_workers=jobs)
    found: dict[NormalizedName, Upstream] = {}
    problems: list[str] = []
    for name, page in client.projects(list(names)).items():
        if isinstance(page, AccordError):
            problems.append(f"{name}: {page}")
            continue
        version = newest_version(page)
        if version is None:
            problems.append(f"{name}: no installable release on the index")
            continue
        times = [f.upload_time for f in page.files_for(version) if f.upload_time]
        found[NormalizedName(name)] = Upstream(
            str(version), max(times).date() if times else None
        )
    return found, tuple(problems)
