"""Skip a regeneration whose every input is what produced the current pins.

A generation is a function of its inputs: the resolve requests (the global
list minus the exempt names, the holds, and the current pins as
preferences), the Pythons, and the resolver (uv's version, the index, the
platform, static metadata). With the current pins as preferences, uv keeps
every pin that still resolves, so when the inputs are those that produced
the current file, resolving again gives the same file. The stamp of those
inputs is kept, with a hash of the file it produced; ``--refresh`` resolves
regardless (e.g. after an upstream yank).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from accord.resolve.request import ResolveRequest
from accord.writes import write_atomic


def generation_stamp(requests: Sequence[ResolveRequest], resolver_identity: str) -> str:
    payload = json.dumps(
        [resolver_identity, [dataclasses.asdict(r) for r in requests]], sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class StampStore:
    """Stamps kept per requirements repo in the user's cache."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, repo: Path) -> Path:
        key = hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:32]
        return self.directory / f"{key}.json"

    def unchanged(self, repo: Path, stamp: str, current_text: str | None) -> bool:
        """Whether ``stamp`` produced exactly ``current_text`` last time."""
        if current_text is None:
            return False
        try:
            data = json.loads(self._path(repo).read_text())
        except (OSError, ValueError):
            return False
        return bool(
            data.get("stamp") == stamp and data.get("output") == text_hash(current_text)
        )

    def remember(self, repo: Path, stamp: str, text: str) -> None:
        path = self._path(repo)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps({"stamp": stamp, "output": text_hash(text)}))
        except OSError:
            pass  # a stamp that cannot be kept only costs a resolution
