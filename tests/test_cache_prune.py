"""The metadata store and the relay's kept pages are pruned: entries not used
for a long time go, recent ones stay, at most once a day, and a reader
never sees part of an entry."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from packaging.version import Version

from accord.index._prune import MAX_AGE_DAYS, prune
from accord.index.metadata_store import MetadataStore
from accord.index.model import CoreMetadata
from accord.index.relay._store import PageStore, digest

DAY = 24 * 3600


def _meta(name: str, version: str) -> CoreMetadata:
    return CoreMetadata(name=name, version=version, summary=f"{name} does things")


def _age(path: Path, days: float, *, read_days: float | None = None) -> None:
    """Make ``path`` last written ``days`` ago (and read ``read_days`` ago)."""
    written = time.time() - days * DAY
    read = written if read_days is None else time.time() - read_days * DAY
    os.utime(path, (read, written))


def test_entries_unused_for_long_go_and_recent_ones_stay(tmp_path: Path) -> None:
    store = MetadataStore(tmp_path / "metadata")
    store.put("oldlib", Version("1.0"), _meta("oldlib", "1.0"))
    store.put("newlib", Version("2.0"), _meta("newlib", "2.0"))
    store.put_missing("oldlib", Version("0.1"))
    store.put("readlib", Version("3.0"), _meta("readlib", "3.0"))
    old = tmp_path / "metadata" / "oldlib"
    _age(old / "1.0.json", MAX_AGE_DAYS + 5)
    _age(old / "0.1.none", MAX_AGE_DAYS + 5)
    # Written long ago but read yesterday: still in use.
    read = tmp_path / "metadata" / "readlib" / "3.0.json"
    _age(read, MAX_AGE_DAYS + 5, read_days=1)

    assert prune(tmp_path / "metadata", MAX_AGE_DAYS) == 2
    assert store.get("oldlib", Version("1.0")) is None
    assert not store.known_missing("oldlib", Version("0.1"))
    assert not old.exists()  # its directory, left empty, went too
    assert store.get("newlib", Version("2.0")) == _meta("newlib", "2.0")
    assert store.get("readlib", Version("3.0")) == _meta("readlib", "3.0")


def test_a_store_is_pruned_at_most_once_a_day_when_written(tmp_path: Path) -> None:
    directory = tmp_path / "metadata"
    MetadataStore(directory).put("a", Version("1.0"), _meta("a", "1.0"))
    entry = directory / "a" / "1.0.json"
    _age(entry, MAX_AGE_DAYS + 1)
    # Reading never prunes (and may count as a use: aged again after it).
    assert MetadataStore(directory).get("a", Version("1.0")) is not None
    _age(entry, MAX_AGE_DAYS + 1)
    # The first write pruned the then empty store: not again the same day.
    MetadataStore(directory).put("b", Version("1.0"), _meta("b", "1.0"))
    assert entry.exists()
    # A day later, a write prunes it.
    stamp = directory / ".pruned"
    os.utime(stamp, (time.time() - DAY - 60, time.time() - DAY - 60))
    MetadataStore(directory).put("c", Version("1.0"), _meta("c", "1.0"))
    assert not entry.exists()
    assert (directory / "b" / "1.0.json").exists()
    assert (directory / "c" / "1.0.json").exists()


def test_a_concurrent_reader_sees_a_whole_entry_or_none(tmp_path: Path) -> None:
    directory = tmp_path / "metadata"
    store = MetadataStore(directory)
    names = [f"lib{n}" for n in range(300)]
    for name in names:
        store.put(name, Version("1.0"), _meta(name, "1.0"))
    # Pruned as if long from now: every entry goes, even one read meanwhile.
    later = time.time() + (MAX_AGE_DAYS + 1) * DAY
    seen: list[CoreMetadata | None] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            for name in names:
                seen.append(store.get(name, Version("1.0")))

    reader = threading.Thread(target=read)
    # An entry opened before it is pruned is read whole all the same.
    with (directory / "lib0" / "1.0.json").open("rb") as opened:
        reader.start()
        try:
            assert prune(directory, MAX_AGE_DAYS, now=later) == len(names)
        finally:
            done.set()
            reader.join()
        assert b"lib0 does things" in opened.read()
    assert seen
    wanted = {name: _meta(name, "1.0") for name in names}
    assert all(meta is None or meta == wanted[meta.name] for meta in seen)
    assert all(store.get(name, Version("1.0")) is None for name in names)


def test_the_relays_kept_pages_are_pruned_too(tmp_path: Path) -> None:
    directory = tmp_path / "relay-pages"
    store = PageStore(directory, "http://127.0.0.1:1/secret/")
    store.put(
        "https://index/simple/old/", digest(b"old page"), b"rewritten", "text/html", {}
    )
    [kept] = [p for p in directory.rglob("*") if p.is_file() and p.name != ".pruned"]
    _age(kept, MAX_AGE_DAYS + 1)
    os.utime(directory / ".pruned", (time.time() - 2 * DAY, time.time() - 2 * DAY))

    later = PageStore(directory, "http://127.0.0.1:1/secret/")
    later.put(
        "https://index/simple/new/", digest(b"new page"), b"rewritten", "text/html", {}
    )
    assert later.get("https://index/simple/old/", digest(b"old page")) is None
    new = later.get("https://index/simple/new/", digest(b"new page"))
    assert new is not None
    assert new.body == b"rewritten"
