"""What a package index tells about a project, as value types.

Filled by the index client (PEP 691 JSON or PEP 503 HTML simple API, PEP 658
core metadata, PEP 700 upload times, PyPI's JSON API); read by the review
criteria, which do no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from packaging.utils import NormalizedName
from packaging.version import Version


@dataclass(frozen=True, slots=True)
class DistFile:
    """One file of a project on the index."""

    filename: str
    url: str  # absolute
    version: Version | None  # parsed from the filename; None if it cannot be
    requires_python: str | None
    yanked: str | None  # None: not yanked; "" yanked without a reason
    upload_time: datetime.datetime | None  # PEP 700; None if the index omits it
    metadata_url: str | None  # PEP 658/714 core metadata, None if not served
    is_wheel: bool
    # (algorithm, hex digest) pairs, sorted: PEP 691 "hashes", or the URL's
    # PEP 503 "#sha256=..." fragment; empty if the index gives none.
    hashes: tuple[tuple[str, str], ...] = ()
    size: int | None = None  # PEP 700; None if the index omits it

    def digest(self, algorithm: str = "sha256") -> str | None:
        """The file's hex digest by ``algorithm``, if the index gives one."""
        return dict(self.hashes).get(algorithm)


@dataclass(frozen=True, slots=True)
class ProjectPage:
    name: NormalizedName
    files: tuple[DistFile, ...]
    versions: tuple[Version, ...]  # PEP 700 "versions", else from the files; sorted
    # Files by version, built once: pages such as botocore's hold thousands of
    # files, and every criterion asks for one version's files.
    by_version: Mapping[Version | None, tuple[DistFile, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # PEP 792: "active" (also when the index says nothing), "archived",
    # "deprecated" or "quarantined"; any other word is kept as the index wrote it.
    status: str = "active"
    status_reason: str | None = None

    def __post_init__(self) -> None:
        grouped: dict[Version | None, list[DistFile]] = {}
        for file in self.files:
            grouped.setdefault(file.version, []).append(file)
        object.__setattr__(
            self, "by_version", {v: tuple(files) for v, files in grouped.items()}
        )

    def files_for(self, version: Version) -> tuple[DistFile, ...]:
        return self.by_version.get(version, ())


class CoreMetadata(NamedTuple):
    """The fields of a distribution's METADATA that reviews use."""

    name: str
    version: str
    summary: str | None = None
    license: str | None = None
    license_expression: str | None = None
    classifiers: tuple[str, ...] = ()
    requires_python: str | None = None
    requires_dist: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    project_urls: tuple[tuple[str, str], ...] = ()  # (label, url)
    home_page: str | None = None


class Vulnerability(NamedTuple):
    id: str
    summary: str
    aliases: tuple[str, ...] = ()
    fixed_in: tuple[str, ...] = ()
    link: str | None = None


class PyPIRelease(NamedTuple):
    """What PyPI's JSON API adds for one release."""

    name: str
    version: str
    metadata: CoreMetadata
    vulnerabilities: tuple[Vulnerability, ...] = ()
    yanked: bool = False
    yanked_reason: str | None = None
