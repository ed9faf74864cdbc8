"""The central libraries' metadata a review compares a new library with (the
duplicates criterion): one release of each, only what the comparison reads.

For a pinned library that release is the pinned one. Where the index has
PyPI's JSON API, it is read with one small request per library
(``/pypi/NAME/VERSION/json``), all in parallel, instead of parsing each
library's whole project page to find that release's files (a cold review of
OpenStack's list read 412 pages, 68 MB, for one release of each). Released
metadata never changes, so what was read (summary, keywords, topic
classifiers: see :func:`accord.rules.review_names.profile`) is kept in one
small file beside the HTTP cache, and a later review asks the index nothing
about those releases. Unpinned libraries, pins the JSON API does not know,
and indexes without it use the project page and its metadata as before.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from accord.errors import AccordError
from accord.files import write_atomic
from accord.index.client import IndexClient
from accord.index.model import CoreMetadata
from accord.review import PageMemo

__all__ = ["COMPARE_FILE", "CompareStore", "central_metadata"]

COMPARE_FILE = "review-compare.json"
_SCHEMA = 1
_KEEP_AT_MOST = 8192  # releases; a few hundred bytes each
_WORKERS = 16  # more made a slow mirror slower (9-10 s at 16, 11-21 s at 48)


def central_metadata(
    client: IndexClient,
    names: Sequence[str],
    workers: int = _WORKERS,
    memo: PageMemo | None = None,
    pins: Mapping[NormalizedName, Version] | None = None,
    on_done: Callable[[], None] = lambda: None,
) -> dict[NormalizedName, CoreMetadata]:
    """The compared metadata of every library in ``names``: the pinned
    release's where ``pins`` has one, else the newest's. ``on_done`` is
    called once per name, for a progress bar."""
    store = CompareStore(client.cache_dir.parent / COMPARE_FILE)
    pins = pins or {}
    memo = memo or PageMemo(client)
    found: dict[NormalizedName, CoreMetadata] = {}
    missing: list[NormalizedName] = []
    for canonical in dict.fromkeys(canonicalize_name(n) for n in names):
        version = pins.get(canonical)
        known, meta = (
            (False, None) if version is None else store.get(canonical, version)
        )
        if not known:
            missing.append(canonical)
            continue
        if meta is not None:
            found[canonical] = meta
        on_done()

    def fetch(canonical: NormalizedName) -> CoreMetadata | None:
        try:
            return _fetch(client, memo, store, canonical, pins.get(canonical))
        finally:
            on_done()

    if missing:
        with ThreadPoolExecutor(max(1, min(workers, len(missing)))) as pool:
            for canonical, meta in zip(missing, pool.map(fetch, missing), strict=True):
                if meta is not None:
                    found[canonical] = meta
    store.save()
    return found


def _fetch(
    client: IndexClient,
    memo: PageMemo,
    store: CompareStore,
    canonical: NormalizedName,
    version: Version | None,
) -> CoreMetadata | None:
    """One library's metadata; None if it cannot be had (one library's
    failure must not stop a review)."""
    try:
        if version is not None and client.pypi_json_url is not None:
            release = client.release(canonical, str(version), cached=False)
            if release is not None:
                store.put(canonical, version, release.metadata)
                return release.metadata
        if version is None:
            return client.latest_metadata(memo.project(canonical))
        page = client.release_files(canonical, version)
        if version not in page.versions:
            return client.latest_metadata(page)  # an odd pin: the newest
        meta = client.latest_metadata(page, version)
    except AccordError:
        return None
    store.put(canonical, version, meta)
    return meta


class CompareStore:
    """Released metadata as the comparison reads it, in one JSON file:
    ``"name==version"`` to ``[summary, keywords, topics]``, or null for a
    release without metadata to be had."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries = _load(path)
        self._new: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(
        self, name: NormalizedName, version: Version
    ) -> tuple[bool, CoreMetadata | None]:
        """(known, metadata): known with None is a release without any."""
        key = f"{name}=={version}"
        if key not in self._entries:
            return False, None
        entry = self._entries[key]
        if entry is None:
            return True, None
        summary, keywords, topics = entry
        return True, CoreMetadata(
            name=name,
            version=str(version),
            summary=summary,
            keywords=tuple(keywords),
            classifiers=tuple(topics),
        )

    def put(self, name: str, version: Version, meta: CoreMetadata | None) -> None:
        entry = None
        if meta is not None:
            topics = [c for c in meta.classifiers if c.startswith("Topic :: ")]
            entry = [meta.summary, list(meta.keywords), topics]
        with self._lock:
            self._new[f"{canonicalize_name(name)}=={version}"] = entry

    def save(self) -> None:
        """Add what was read to the file (best effort: a cache that cannot
        be written is only slower)."""
        with self._lock:
            if not self._new:
                return
            # Another run may have added entries since this one loaded.
            entries = {**_load(self.path), **self._new}
            self._new = {}
        kept = dict(list(entries.items())[-_KEEP_AT_MOST:])
        text = json.dumps({"schema": _SCHEMA, "releases": kept}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, text + "\n")
        except (OSError, AccordError):
            pass


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("schema") != _SCHEMA:
        return {}
    releases = document.get("releases")
    if not isinstance(releases, dict):
        return {}
    return {k: v for k, v in releases.items() if v is None or _well_formed(v)}


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and (entry[0] is None or isinstance(entry[0], str))
        and all(_strings(x) for x in entry[1:])
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)
