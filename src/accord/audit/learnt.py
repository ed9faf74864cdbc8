"""What the last audit learnt from the index, kept in one file.

Per project: the validators of its simple-API page as the audit last saw it,
and the facts drawn from that page (and from each pinned release's metadata)
about each pinned release. A warm audit reads this one file instead of each
project's cached page and each release's kept metadata, and asks the index
about each project only conditionally: a 304 (or a page still fresh) means
the kept facts hold; a changed page is read and the facts drawn again.

``<cache>/accord/audit/<digest of the index and JSON API URLs>.json``::

    {"format": 1, "projects": {"name": [etag, last_modified, checked,
        max_age, {"version": [status, status_reason, yanked, on_index,
        newest_upload, [later versions], licence, licence_field]}]}}

A file that cannot be read, or a project whose entry is damaged or lacks a
pinned version, is only slower: that project is asked as on a first run.
Projects of other audits sharing the index (other requirements repos) are
kept as they were, and so are the releases they pin of a project this audit
also pins, while the project's page is the one both saw. A project nobody
has audited for :data:`KEEP_FOR` seconds is dropped.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.audit.model import Release
from accord.index._http import Validators, write_cache_file

__all__ = ["Learnt", "Summary"]

# Bump when what is kept, or how it is drawn from a page, changes: a file
# of another format is ignored (and rewritten).
_FORMAT = 1

# How long a project no audit asked about stays in the file (the same span
# as the other caches, see accord.index._prune).
KEEP_FOR = 60 * 24 * 3600


class Learnt(NamedTuple):
    """What an audit learnt from one project's page: the page's validators
    and the facts about each pinned release, by ``str(version)``."""

    validators: Validators
    releases: Mapping[str, Release]


class Summary:
    """The file of what the last audit learnt from one index."""

    def __init__(self, directory: Path, *urls: str | None) -> None:
        digest = hashlib.sha256(repr(urls).encode()).hexdigest()[:16]
        self.path = directory / f"{digest}.json"
        self._projects: dict[str, Any] = {}

    def load(self) -> None:
        """Read the file; a missing or damaged one is an empty summary."""
        try:
            data = json.loads(self.path.read_bytes())
            if data["format"] == _FORMAT and isinstance(data["projects"], dict):
                self._projects = data["projects"]
        except (OSError, ValueError, TypeError, KeyError):
            self._projects = {}

    def get(self, name: NormalizedName, versions: Iterable[Version]) -> Learnt | None:
        """What was learnt about ``name``'s page, if it tells about every one
        of ``versions``; None otherwise (or if its entry is damaged)."""
        entry: Any = self._projects.get(name)
        try:
            etag, modified, checked, max_age, rows = entry
            validators = Validators(
                _optional(etag), _optional(modified), float(checked), _age(max_age)
            )
            releases = {}
            for version in versions:
                text = str(version)
                releases[text] = _release(name, version, rows[text])
        except (ValueError, TypeError, KeyError):
            return None
        return Learnt(validators, releases)

    def save(self, learnt: Mapping[NormalizedName, Learnt], now: float) -> None:
        """Write ``learnt`` in place of what the file held for those projects
        (best effort: a summary not written is only slower next time).

        Releases kept of the same page (another repo pinning other versions)
        stay beside this audit's; projects unasked since ``now - KEEP_FOR``
        go."""
        projects = {
            name: entry
            for name, entry in self._projects.items()
            if _checked(entry) > now - KEEP_FOR
        }
        for name, found in learnt.items():
            rows = _rows(found.releases)
            before: Any = projects.get(name)
            if _same_page(before, found.validators):
                rows = {**before[4], **rows}
            projects[name] = [*found.validators, rows]
        data = json.dumps(
            {"format": _FORMAT, "projects": projects}, separators=(",", ":")
        )
        with contextlib.suppress(OSError):
            write_cache_file(self.path, data.encode())


def _checked(entry: Any) -> float:
    """When ``entry``'s page was last known good; 0 for a damaged entry."""
    try:
        return float(entry[2])
    except (TypeError, ValueError, IndexError, KeyError):
        return 0.0


def _same_page(entry: Any, validators: Validators) -> bool:
    """Whether ``entry`` was drawn from the page ``validators`` stand for."""
    try:
        etag, modified, _, _, rows = entry
    except (TypeError, ValueError):
        return False
    if not isinstance(rows, dict):
        return False
    if validators.etag is not None:
        return bool(etag == validators.etag)
    return validators.last_modified is not None and modified == validators.last_modified


def _rows(releases: Mapping[str, Release]) -> dict[str, list[object]]:
    return {
        version: [
            release.status,
            release.status_reason,
            release.yanked,
            release.on_index,
            None if release.newest_upload is None else str(release.newest_upload),
            [str(v) for v in release.later_versions],
            release.licence,
            release.licence_field,
        ]
        for version, release in releases.items()
    }


def _release(name: NormalizedName, version: Version, row: Any) -> Release:
    status, reason, yanked, on_index, newest, later, licence, field = row
    if not (
        isinstance(status, str)
        and isinstance(on_index, bool)
        and isinstance(later, list)
    ):
        raise TypeError("not a kept release")
    return Release(
        name=name,
        version=version,
        status=status,
        status_reason=_optional(reason),
        yanked=_optional(yanked),
        on_index=on_index,
        newest_upload=None
        if newest is None
        else datetime.date.fromisoformat(str(newest)),
        later_versions=tuple(Version(str(v)) for v in later),
        licence=_optional(licence),
        licence_field=_optional(field),
    )


def _optional(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{value!r} is not a string")


def _age(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise TypeError(f"{value!r} is not a max-age")
