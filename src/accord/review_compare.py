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

Which libraries are compared, at which pins, is derived from the central
files (parsing every line of the global list and the constraints); it is
kept too, under a digest of those files (``review-central.json``), so a
review of unchanged files parses only the reviewed library's lines.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeGuard, cast

from packaging.utils import NormalizedName, canonicalize_name, is_normalized_name
from packaging.version import Version

from accord import __version__
from accord.central import CentralRepo
from accord.errors import AccordError
from accord.index.client import IndexClient
from accord.index.model import CoreMetadata
from accord.review import PageMemo, comparable_names, pinned
from accord.writes import write_atomic

__all__ = [
    "COMPARE_FILE",
    "PLAN_FILE",
    "CompareStore",
    "central_metadata",
    "compared_libraries",
]

COMPARE_FILE = "review-compare.json"
PLAN_FILE = "review-central.json"
_SCHEMA = 1
_PLANS_KEPT = 8  # requirements repos (or states of one) reviewed from here
_KEEP_AT_MOST = 8192  # releases; a few hundred bytes each
_WORKERS = 16  # more made a slow mirror slower (9-10 s at 16, 11-21 s at 48)


def compared_libraries(
    central: CentralRepo, cache_dir: Path
) -> tuple[frozenset[NormalizedName], dict[NormalizedName, str | None]]:
    """Every name in the global list, and the libraries a new one is
    compared with (:func:`accord.review.comparable_names`), each with its
    pinned version (None when unpinned): read from ``cache_dir`` when the
    central files are the ones they were derived from, else derived (and
    kept there, best effort)."""
    key = _digest(central)
    path = cache_dir / PLAN_FILE
    plans = _load_plans(path)
    plan = plans.get(key)
    if _well_formed_plan(plan):
        # Canonical names: as written by this function.
        compared: dict[NormalizedName, str | None] = plan["compared"]
        return frozenset(plan["names"]), compared
    names = central.global_list.names()
    libraries = comparable_names(central)
    pins = pinned(central, libraries)
    compared = {n: None if n not in pins else str(pins[n]) for n in libraries}
    plans.pop(key, None)
    plans[key] = {"names": sorted(names), "compared": compared}
    recent = dict(list(plans.items())[-_PLANS_KEPT:])
    text = json.dumps({"schema": _SCHEMA, "plans": recent}, ensure_ascii=False)
    with contextlib.suppress(OSError, AccordError):  # only slower next time
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text + "\n")
    return names, compared


def _digest(central: CentralRepo) -> str:
    """Of everything :func:`compared_libraries` derives its answer from."""
    inputs = [
        __version__,  # how accord reads the files
        central.global_list.text,
        None if central.constraints is None else central.constraints.text,
        None if central.denylist is None else central.denylist.text,
        sorted(central.config.unpinned),
    ]
    return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def _load_plans(path: Path) -> dict[str, Any]:
    return _load_section(path, "plans")


def _well_formed_plan(plan: object) -> TypeGuard[dict[str, Any]]:
    if not isinstance(plan, dict):
        return False
    names, compared = plan.get("names"), plan.get("compared")
    return (
        _strings(names)
        and isinstance(compared, dict)
        and all(v is None or isinstance(v, str) for v in compared.values())
    )


def central_metadata(
    client: IndexClient,
    names: Sequence[str],
    workers: int = _WORKERS,
    memo: PageMemo | None = None,
    pins: Mapping[NormalizedName, Version | str] | None = None,
    on_done: Callable[[], None] = lambda: None,
) -> dict[NormalizedName, CoreMetadata]:
    """The compared metadata of every library in ``names``: the pinned
    release's where ``pins`` has one, else the newest's. ``on_done`` is
    called once per name, for a progress bar. A pin may be given as its
    version's normalized text (as :func:`compared_libraries` keeps it)."""
    store = CompareStore(client.cache_dir.parent / COMPARE_FILE)
    pins = pins or {}
    memo = memo or PageMemo(client)
    found: dict[NormalizedName, CoreMetadata] = {}
    missing: list[NormalizedName] = []
    for canonical in dict.fromkeys(_canonical(n) for n in names):
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


def _canonical(name: str) -> NormalizedName:
    """``name`` canonicalized; as it is when it already is (checked faster
    than canonicalized: the compared names come canonical)."""
    return (
        cast(NormalizedName, name)
        if is_normalized_name(name)
        else canonicalize_name(name)
    )


def _fetch(
    client: IndexClient,
    memo: PageMemo,
    store: CompareStore,
    canonical: NormalizedName,
    pin: Version | str | None,
) -> CoreMetadata | None:
    """One library's metadata; None if it cannot be had (one library's
    failure must not stop a review)."""
    version = Version(pin) if isinstance(pin, str) else pin
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
        self, name: NormalizedName, version: Version | str
    ) -> tuple[bool, CoreMetadata | None]:
        """(known, metadata): known with None is a release without any; an
        entry edited out of shape is not known."""
        key = f"{name}=={version}"
        if key not in self._entries:
            return False, None
        entry = self._entries[key]
        if entry is None:
            return True, None
        if not _well_formed(entry):
            return False, None
        summary, keywords, topics = entry
        return True, CoreMetadata(
            name=name,
            version=str(version),
            summary=summary,
            keywords=tuple(keywords),
            classifiers=tuple(topics),
        )

    def put(self, name: str, version: Version | str, meta: CoreMetadata | None) -> None:
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
            loaded = _load(self.path)
            entries = {
                **{k: v for k, v in loaded.items() if v is None or _well_formed(v)},
                **self._new,
            }
            self._new = {}
        kept = dict(list(entries.items())[-_KEEP_AT_MOST:])
        text = json.dumps({"schema": _SCHEMA, "releases": kept}, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, text + "\n")
        except (OSError, AccordError):
            pass


def _load(path: Path) -> dict[str, Any]:
    # Each entry is checked when it is read (a review reads every one).
    return _load_section(path, "releases")


def _load_section(path: Path, key: str) -> dict[str, Any]:
    """The object under ``key`` of one of our JSON files; empty when the
    file is missing, unreadable, of another schema or of the wrong shape
    (a cache: what cannot be read is derived again)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("schema") != _SCHEMA:
        return {}
    section = document.get(key)
    return section if isinstance(section, dict) else {}


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 3
        and (entry[0] is None or isinstance(entry[0], str))
        and all(_strings(x) for x in entry[1:])
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) for s in value)
