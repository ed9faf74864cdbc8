"""The fetcher's on-disk HTTP cache entries, and the atomic write accord's
caches use.

An entry is one file: one JSON line (the validators, the fetch time,
``max-age``, the final URL and content type), a newline, then the body
bytes; it is replaced atomically so threads and processes sharing the cache
never read half an entry. The file's modification time is when the entry
was last known good (a 304 may only move it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from email.message import Message
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "Entry",
    "Validators",
    "max_age_of",
    "read_entry",
    "write_cache_file",
    "write_entry",
]

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


class Validators(NamedTuple):
    """What asking again needs of an answer: its ``ETag`` and
    ``Last-Modified``, when it was last known good (``time.time()``) and how
    long it stays fresh from then (None: the server said nothing)."""

    etag: str | None
    last_modified: str | None
    checked: float
    max_age: int | None

    def fresh(self, now: float) -> bool:
        return self.max_age is not None and now - self.checked < self.max_age


class Entry(NamedTuple):
    url: str
    content_type: str
    validators: Validators
    body: bytes


def read_entry(path: Path) -> Entry | None:
    """The entry in ``path``; None if it is missing or damaged (a miss)."""
    try:
        with path.open("rb") as stream:
            data = stream.read()
            touched = os.fstat(stream.fileno()).st_mtime
        head, _, body = data.partition(b"\n")
        meta = json.loads(head)
        validators = Validators(
            meta["etag"],
            meta["last_modified"],
            max(float(meta["fetched"]), touched),
            meta["max_age"],
        )
        return Entry(str(meta["url"]), str(meta["content_type"]), validators, body)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_entry(path: Path, entry: Entry) -> None:
    """Record ``entry`` in ``path``; best effort (an entry not written is
    fetched again)."""
    validators = entry.validators
    meta = {
        "url": entry.url,
        "content_type": entry.content_type,
        "etag": validators.etag,
        "last_modified": validators.last_modified,
        "fetched": validators.checked,
        "max_age": validators.max_age,
    }
    with contextlib.suppress(OSError):
        write_cache_file(path, json.dumps(meta).encode() + b"\n" + entry.body)


def write_cache_file(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically (a temporary file of a name
    no other writer uses, renamed), creating its directory: for caches, so
    no fsync (a crash loses at most an entry, which is fetched again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def max_age_of(control: str, headers: Message) -> int | None:
    """Seconds the response stays fresh: ``max-age`` (in ``control``, its
    Cache-Control) less ``Age``; 0 for ``no-cache``; None if the server
    says nothing."""
    if re.search(r"no-cache|no-store", control, re.IGNORECASE):
        return 0
    match = _MAX_AGE.search(control)
    if match is None:
        return None
    age = headers.get("Age", "0").strip()
    return max(0, int(match.group(1)) - (int(age) if age.isdigit() else 0))
