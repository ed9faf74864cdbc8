"""Core metadata of released versions, kept on disk (it never changes).

``~/.cache/accord/metadata/<name>/<version>.json``, and ``<version>.none``
for a release known to have no metadata to be had. The review's duplicates
check and the audit read a pinned release's metadata from here, so a later
run asks the index nothing about it. Entries not used for a long time are
pruned (see :mod:`accord.index._prune`), at most daily, when one is written.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from packaging.version import Version

from accord.index._http import write_cache_file
from accord.index._prune import prune_daily
from accord.index.model import CoreMetadata

__all__ = ["MetadataStore"]


def _metadata_from_json(data: dict[str, Any]) -> CoreMetadata:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(item) for item in data.get(key) or ())

    return CoreMetadata(
        name=str(data["name"]),
        version=str(data["version"]),
        summary=data.get("summary"),
        license=data.get("license"),
        license_expression=data.get("license_expression"),
        classifiers=strings("classifiers"),
        requires_python=data.get("requires_python"),
        requires_dist=strings("requires_dist"),
        keywords=strings("keywords"),
        project_urls=tuple(
            (str(label), str(url)) for label, url in data.get("project_urls") or ()
        ),
        home_page=data.get("home_page"),
    )


class MetadataStore:
    """Core metadata of released versions on disk (it never changes)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._pruned = False

    def _written(self) -> None:
        """After a write: prune the store if it is time (once per store)."""
        if not self._pruned:
            self._pruned = True
            prune_daily(self.directory)

    def _path(self, name: str, version: Version) -> Path:
        return self.directory / name / f"{version}.json"

    def get(self, name: str, version: Version) -> CoreMetadata | None:
        try:
            data = json.loads(self._path(name, version).read_text())
            return _metadata_from_json(data)
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def known_missing(self, name: str, version: Version) -> bool:
        return self._path(name, version).with_suffix(".none").exists()

    def put_missing(self, name: str, version: Version) -> None:
        """Remember that this release has no metadata to be had."""
        path = self._path(name, version).with_suffix(".none")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
        except OSError:
            return
        self._written()

    def put(self, name: str, version: Version, metadata: CoreMetadata) -> None:
        path = self._path(name, version)
        with contextlib.suppress(OSError):  # a cache not written is only slower
            write_cache_file(path, json.dumps(metadata._asdict()).encode())
            self._written()
