"""Release requests: a deliverable file and its releases and branches.

The shape is that of OpenStack's releases repository,
``deliverables/<series>/<name>.yaml``; every record remembers the 1-based
line it was written on, so a finding can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from packaging.version import InvalidVersion, Version

DeliverableType = Literal[
    "library",
    "client-library",
    "service",
    "horizon-plugin",
    "tempest-plugin",
    "other",
    "trailing",
]
DELIVERABLE_TYPES: tuple[str, ...] = DeliverableType.__args__  # type: ignore[attr-defined]
RELEASE_MODELS = (
    "cycle-with-intermediary",
    "cycle-with-milestones",
    "cycle-with-rc",
    "cycle-trailing",
    "independent",
    "untagged",
    "cycle-automatic",
    "abandoned",
)
INDEPENDENT = "_independent"  # the series directory of independent releases


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """One repository's commit in a release: ``{repo: org/name, hash: sha}``."""

    repo: str
    hash: str
    line: int


@dataclass(frozen=True, slots=True)
class Release:
    """One entry of ``releases``: a version and the commit of each repo."""

    version: str
    projects: tuple[ProjectRef, ...]
    line: int

    @property
    def parsed(self) -> Version | None:
        """The version as a PEP 440 value, or None if it is not one."""
        try:
            return Version(self.version)
        except InvalidVersion:
            return None

    def same_request(self, other: Release) -> bool:
        """Whether two entries ask for the same thing (lines aside)."""
        return self.version == other.version and [
            (p.repo, p.hash) for p in self.projects
        ] == [(p.repo, p.hash) for p in other.projects]


@dataclass(frozen=True, slots=True)
class Branch:
    """One entry of ``branches``: a branch created at a released version."""

    name: str
    location: str | None  # None: a mapping of repository to commit
    line: int
    locations: tuple[tuple[str, str], ...] = ()  # (org/name, commit) of a mapping

    def same_request(self, other: Branch) -> bool:
        """Whether two entries ask for the same branch (lines aside)."""
        return (self.name, self.location, self.locations) == (
            other.name,
            other.location,
            other.locations,
        )


@dataclass(frozen=True, slots=True)
class Deliverable:
    """A deliverable file of one series."""

    name: str
    series: str
    path: str  # relative to the releases repo, e.g. deliverables/2026.1/lib.yaml
    team: str | None
    type: str | None
    release_model: str | None
    repositories: tuple[str, ...]  # the keys of repository-settings
    releases: tuple[Release, ...]
    branches: tuple[Branch, ...]

    def find(self, version: str) -> Release | None:
        return next((r for r in self.releases if r.version == version), None)
