"""The fleet's data for the site, gathered with the functions the commands use.

A project's status and findings are ``fleet check``'s (:func:`accord.fleet.process`),
its diff is ``sync --diff``'s plan, its uses are ``who-uses``' lines; the
libraries are the global list's entries with their pins per Python and their
holds. Projects are read in parallel, each worker loading the central repo once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from packaging.utils import NormalizedName

from accord._config_resolution import Hold
from accord.central import CentralRepo
from accord.errors import AccordError
from accord.files import inside
from accord.findings import Finding
from accord.fleet import (
    Member,
    Outcome,
    SyncOptions,
    check_with_updates,
    process,
    run_members,
)
from accord.model.constraints import Pin
from accord.model.markers import evaluate, python_environment
from accord.project import load_project
from accord.textdiff import unified_diff
from accord.usage import Use, uses_in

Status = Literal["ok", "warnings", "out of sync", "errors"]
STATUSES: tuple[Status, ...] = ("ok", "warnings", "out of sync", "errors")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    label: str
    path: str
    line: int | None
    requirements: int


@dataclass(frozen=True, slots=True)
class ProjectData:
    name: str
    lineno: int  # in projects.txt
    status: Status
    sources: tuple[SourceInfo, ...]
    findings: tuple[Finding, ...]
    changed_files: tuple[str, ...]
    diff: str  # what sync would change, as a unified diff
    uses: tuple[tuple[NormalizedName, Use], ...]
    message: str | None  # why it could not be read

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """One global-list line of a library."""

    text: str
    line: int
    section: str | None
    licence: str | None
    rationale: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LibraryData:
    name: NormalizedName
    entries: tuple[EntryInfo, ...]
    pins: tuple[tuple[str, str | None], ...]  # (python, version or None)
    pin_lines: tuple[str, ...]  # as written in upper-constraints.txt
    holds: tuple[Hold, ...]
    users: tuple[Use, ...]
    denylisted: bool = False

    @property
    def section(self) -> str | None:
        return self.entries[0].section if self.entries else None

    @property
    def licence(self) -> str | None:
        return self.entries[0].licence if self.entries else None

    @property
    def projects(self) -> tuple[str, ...]:
        return tuple(sorted({use.project for use in self.users}))


@dataclass(frozen=True, slots=True)
class FleetData:
    central: CentralRepo
    projects: tuple[ProjectData, ...]
    libraries: tuple[LibraryData, ...]


def gather(
    central: CentralRepo,
    members: Sequence[Member],
    jobs: int,
    on_project: Callable[[], None] = lambda: None,
) -> FleetData:
    projects = _projects(central, members, jobs, on_project)
    return FleetData(central, projects, libraries(central, projects))


def project_data(central: CentralRepo, member: Member) -> ProjectData:
    """One project as ``fleet check`` sees it, with its diff and its uses.

    The findings, status and changed files are :func:`accord.fleet.process`'s
    in check mode, from the same :func:`accord.fleet.check_with_updates`.
    """
    if not member.path.is_dir():
        outcome = process(central, member, "check", SyncOptions())
        return ProjectData(
            member.name,
            member.lineno,
            status_of(outcome),
            (),
            (),
            (),
            "",
            (),
            outcome.message,
        )
    try:
        if member.workspace is not None:  # as process() guards it
            inside(member.workspace, member.name, str(member.path))
        project = load_project(member.path, central.config)
        findings, updates = check_with_updates(project, central)
    except (AccordError, OSError) as error:
        return ProjectData(
            member.name, member.lineno, "errors", (), (), (), "", (), str(error)
        )
    changed = tuple(update.path for update in updates)
    failed = any(f.severity == "error" for f in findings)
    outcome = Outcome(
        member, "failed" if failed else "ok", len(project.sources), findings, changed
    )
    return ProjectData(
        member.name,
        member.lineno,
        status_of(outcome),
        tuple(
            SourceInfo(s.label, s.path, s.line, len(s.requirements))
            for s in project.sources
        ),
        findings,
        changed,
        "".join(unified_diff(u.path, u.old_text, u.new_text) for u in updates),
        tuple(uses_in(member.name, project)),
        None,
    )


def status_of(outcome: Outcome) -> Status:
    if outcome.status != "ok":
        return "errors"
    if outcome.changed_files:
        return "out of sync"
    return "warnings" if outcome.warnings else "ok"


def libraries(
    central: CentralRepo, projects: Sequence[ProjectData]
) -> tuple[LibraryData, ...]:
    """Every library of the global list, pins, holds and users."""
    users: dict[NormalizedName, list[Use]] = {}
    for project in projects:
        for name, use in project.uses:
            users.setdefault(name, []).append(use)
    holds: dict[NormalizedName, list[Hold]] = {}
    for hold in central.config.resolution.holds:
        holds.setdefault(hold.name, []).append(hold)
    denylist = central.denylist.names if central.denylist is not None else frozenset()
    found = []
    for name, entries in sorted(central.global_list.index.items()):
        pins = () if central.constraints is None else central.constraints.pins_for(name)
        found.append(
            LibraryData(
                name,
                tuple(
                    EntryInfo(
                        e.line.content, e.lineno, e.section, e.licence, e.rationale
                    )
                    for e in entries
                ),
                tuple(
                    (python, _version_on(pins, python))
                    for python in central.config.python_versions
                ),
                tuple(pin.line.content for pin in pins),
                tuple(holds.get(name, ())),
                tuple(
                    sorted(
                        users.get(name, ()), key=lambda u: (u.project, u.path, u.line)
                    )
                ),
                name in denylist,
            )
        )
    return tuple(found)


def _version_on(pins: Sequence[Pin], python: str) -> str | None:
    environment = python_environment(python)
    for pin in pins:
        if evaluate(pin.marker, environment):
            return str(pin.version)
    return None


def _projects(
    central: CentralRepo,
    members: Sequence[Member],
    jobs: int,
    on_project: Callable[[], None],
) -> tuple[ProjectData, ...]:
    """Each member's data, over ``fleet check``'s workers (:func:`run_members`)."""

    def done(_: ProjectData) -> None:
        on_project()

    return tuple(run_members(central.root, members, jobs, project_data, done, central))
