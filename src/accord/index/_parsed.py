"""Parsed project pages kept on disk, so an unchanged page is not parsed again.

A warm run gets every page from the HTTP cache (fresh, or after a 304) and
used to parse each again: for a project of thousands of files (botocore)
parsing costs far more than revalidating. ``<cache>/pages/<h[:2]>/<h>`` (``h``
the HTTP cache's key of the page) holds one JSON document: the SHA-256 of
the body it was parsed from and the page in a compact form (what the
parsers derived: versions, absolute URLs, upload times), which is read
back without the filename parsing, URL joining and hash checks. A body
that is not the one recorded (the page changed) is parsed again, and the
record replaced atomically; a damaged or foreign record is a miss. The
client keeps every page it parses, so the run after a cold one parses
nothing (and never imports pypi-simple, the parser).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName
from packaging.version import InvalidVersion, Version

from accord.index._http import write_cache_file
from accord.index.model import DistFile, ProjectPage

__all__ = ["ParsedPages", "Source"]

# 2: pages read by pypi-simple; one kept by accord's own parser before
# (which read empty anchors and PEP 691 pages without hashes differently)
# is parsed again once. 3: yank and status reasons with control characters
# escaped (a page kept before holds them raw).
_FORMAT = 3
Source = tuple[str, str, bytes]  # the page's final URL, content type, body


class ParsedPages:
    """The parsed form of each page, by the page's cache key."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str, source: Source, name: NormalizedName) -> ProjectPage | None:
        """The page parsed from exactly ``source``, if it was kept."""
        try:
            data = json.loads(self._path(key).read_bytes())
            if data["format"] != _FORMAT or data["body"] != _digest(source):
                return None
            if data["name"] != name:
                return None
            return _page(name, data["page"])
        except (OSError, ValueError, TypeError, KeyError, IndexError, InvalidVersion):
            return None  # missing, damaged or another accord's: parse again

    def put(self, key: str, source: Source, page: ProjectPage) -> None:
        """Keep ``page`` as parsed from ``source``; best effort."""
        document = {
            "format": _FORMAT,
            "name": page.name,
            "body": _digest(source),
            "page": _compact(page),
        }
        path = self._path(key)
        with contextlib.suppress(OSError):
            write_cache_file(path, json.dumps(document, separators=(",", ":")).encode())


def _digest(source: Source) -> str:
    """The SHA-256 of what a parse reads: the final URL (relative links
    resolve against it), the content type and the body."""
    url, content_type, body = source
    digest = hashlib.sha256(f"{url}\n{content_type}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _compact(page: ProjectPage) -> dict[str, Any]:
    return {
        "files": [
            [
                f.filename,
                f.url,
                None if f.version is None else str(f.version),
                f.requires_python,
                f.yanked,
                None if f.upload_time is None else f.upload_time.isoformat(),
                f.metadata_url,
                f.is_wheel,
                [list(pair) for pair in f.hashes],
                f.size,
            ]
            for f in page.files
        ],
        "versions": [str(v) for v in page.versions],
        "status": page.status,
        "reason": page.status_reason,
    }


def _page(name: NormalizedName, data: dict[str, Any]) -> ProjectPage:
    versions: dict[str, Version] = {}  # a version's files share one object

    def version(text: str | None) -> Version | None:
        if text is None:
            return None
        found = versions.get(text)
        if found is None:
            found = versions[text] = Version(text)
        return found

    files = tuple(
        DistFile(
            filename=str(filename),
            url=str(url),
            version=version(release),
            requires_python=requires,
            yanked=yanked,
            upload_time=(
                None if uploaded is None else datetime.datetime.fromisoformat(uploaded)
            ),
            metadata_url=metadata,
            is_wheel=bool(wheel),
            hashes=tuple((str(a), str(d)) for a, d in hashes),
            size=size,
        )
        for (
            filename,
            url,
            release,
            requires,
            yanked,
            uploaded,
            metadata,
            wheel,
            hashes,
            size,
        ) in data["files"]
    )
    listed = tuple(v for text in data["versions"] if (v := version(text)) is not None)
    reason = data["reason"]
    return ProjectPage(
        name=name,
        files=files,
        versions=listed,
        status=str(data["status"]),
        status_reason=None if reason is None else str(reason),
    )
