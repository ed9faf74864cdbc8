"""What the audit learns about each pinned release, as value types.

Gathered by :mod:`accord.audit.osv` and :mod:`accord.audit.index`; read by
the pure rules in :mod:`accord.audit.checks`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.index.model import CoreMetadata, ProjectPage

Source = Literal["OSV", "PyPI"]


class Advisory(NamedTuple):
    """One known vulnerability of a release."""

    id: str
    summary: str
    aliases: tuple[str, ...] = ()
    severity: tuple[str, ...] = ()  # as given: "CVSS_V3 CVSS:3.1/...", "HIGH"
    fixed: tuple[Version, ...] = ()  # releases of this package that fix it
    link: str | None = None
    source: Source = "OSV"

    def names(self) -> frozenset[str]:
        """Its id and aliases, upper-cased: what an ignore may name."""
        return frozenset(n.upper() for n in (self.id, *self.aliases))

    def fix_for(self, version: Version) -> Version | None:
        """The first fixed release after ``version``, if there is one."""
        later = [fixed for fixed in self.fixed if fixed > version]
        return min(later) if later else None


@dataclass(frozen=True, slots=True)
class Release:
    """What the index says about one pinned release and its project."""

    name: NormalizedName
    version: Version
    status: str = "active"  # PEP 792
    status_reason: str | None = None
    yanked: str | None = None  # None: not yanked; "" yanked without a reason
    on_index: bool = True  # the index has files of this version
    newest_upload: datetime.date | None = None  # of any file not yanked
    later_versions: tuple[Version, ...] = ()  # on the index, after the pin
    licence: str | None = None  # declared by the pinned release's metadata
    licence_field: str | None = None  # where it was declared
    error: str | None = None  # why the index could not tell
    # What the admission review's criteria read, to ask them again.
    page: ProjectPage | None = field(default=None, compare=False, repr=False)
    metadata: CoreMetadata | None = field(default=None, compare=False, repr=False)


class Vulnerabilities(NamedTuple):
    """The advisories of one pinned release, or why they are unknown."""

    advisories: tuple[Advisory, ...] = ()
    source: Source | None = "OSV"  # None: neither source answered
    error: str | None = None
