"""`accord affected`: read the change and the fleet, build the graphs, select.

The base is found as ``review-change`` finds it (the upstream branch, else
HEAD~1) and the central files there are read with git, never checked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import NormalizedName

from accord.affected.diff import Change, changes_between, pins_for_python
from accord.affected.graph import Graph, GraphSource
from accord.affected.select import (
    AffectedProject,
    extras_used,
    project_requirements,
    select,
)
from accord.central import CentralRepo, load_central_repo
from accord.errors import AccordError, InputError
from accord.members import Member, fleet_members
from accord.model.sources import SourceRequirement
from accord.project import load_project
from accord.review_change import central_at, resolve_base
from accord.unreadable import refuse_unreadable
from accord.vcs.git import is_git_repo


@dataclass(frozen=True, slots=True)
class Unread:
    """A project of the fleet that could not be read (missing, broken)."""

    project: str
    reason: str


@dataclass(frozen=True, slots=True)
class AffectedReport:
    base: str
    base_sha: str
    changes: tuple[Change, ...]
    projects: tuple[AffectedProject, ...]
    unread: tuple[Unread, ...]


@dataclass(frozen=True, slots=True)
class CentralChange:
    """The two sides of the change and where the base is."""

    base: str
    base_sha: str
    before: CentralRepo
    after: CentralRepo


def read_change(root: Path, base: str | None) -> CentralChange:
    if not is_git_repo(root):
        raise InputError(
            "not a git repository: the change is read between a commit and "
            "the work tree",
            path=str(root),
        )
    base, sha = resolve_base(root, base)
    after = load_central_repo(root)
    # A pin or global-list line of the work tree that cannot be read
    # (``requests=2.32.5``, ``requests!=2.32.0,,``) would look removed, and
    # every project using its library affected: bad input, as for generate.
    refuse_unreadable(after)
    return CentralChange(base, sha, central_at(root, sha, after), after)


def read_fleet(
    central: CentralRepo, workspace: Path | None
) -> tuple[list[tuple[Member, tuple[SourceRequirement, ...]]], list[Unread]]:
    read, unread = [], []
    for member in fleet_members(central, workspace):
        try:
            project = load_project(member.path, central.config)
        except AccordError as error:
            unread.append(Unread(member.name, str(error)))
            continue
        read.append((member, project_requirements(project)))
    return read, unread


def find_affected(
    root: Path,
    base: str | None,
    pythons: Sequence[str],
    source: GraphSource,
    workspace: Path | None,
    jobs: int = 4,
) -> AffectedReport:
    change = read_change(root, base)
    changes = changes_between(change.before, change.after, pythons)
    fleet, unread = read_fleet(change.after, workspace)
    extras = extras_used([requirements for _, requirements in fleet])
    moved_pythons = sorted({c.python for c in changes}, key=pythons.index)
    graphs = build_graphs(change, changes, moved_pythons, source, extras, jobs)
    projects = select(
        [(member.name, requirements) for member, requirements in fleet],
        changes,
        graphs,
        spellings(change.after),
    )
    return AffectedReport(
        change.base, change.base_sha, changes, tuple(projects), tuple(unread)
    )


def build_graphs(
    change: CentralChange,
    changes: Sequence[Change],
    pythons: Sequence[str],
    source: GraphSource,
    extras: Sequence[str],
    jobs: int,
) -> dict[str, Graph]:
    """The new pins' graph on each Python; merged with the old pins' where a
    pin was removed (what used to require it is in the old graph only)."""
    removed = {c.python for c in changes if c.reason == "pin" and c.new is None}
    tasks = [(python, change.after) for python in pythons]
    tasks += [(python, change.before) for python in pythons if python in removed]

    def build(task: tuple[str, CentralRepo]) -> Graph:
        python, central = task
        return source.graph(python, [*pin_lines(central, python), *extras])

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        built = list(pool.map(build, tasks))
    graphs: dict[str, Graph] = {}
    for graph in built:
        graphs[graph.python] = merge(graphs.get(graph.python), graph)
    return graphs


def pins_graphs(
    central: CentralRepo, pythons: Sequence[str], source: GraphSource, jobs: int
) -> dict[str, Graph | AccordError]:
    """The graph of ``central``'s pins on each Python, or why it could not be
    built there (``accord site --dependencies``: which pin requires which)."""

    def build(python: str) -> Graph | AccordError:
        try:
            return source.graph(python, pin_lines(central, python))
        except AccordError as error:
            return error

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(zip(pythons, pool.map(build, pythons), strict=True))


def pin_lines(central: CentralRepo, python: str) -> list[str]:
    pins = pins_for_python(central.constraints, python)
    return [f"{name}==={version}" for name, version in sorted(pins.items())]


def merge(left: Graph | None, right: Graph) -> Graph:
    if left is None:
        return right
    names = set(left.requires) | set(right.requires)
    empty: frozenset[NormalizedName] = frozenset()
    return Graph(
        right.python,
        {
            name: left.requires.get(name, empty) | right.requires.get(name, empty)
            for name in names
        },
    )


def spellings(central: CentralRepo) -> dict[NormalizedName, str]:
    """Each library's name as the central files write it."""
    names: dict[NormalizedName, str] = {}
    if central.constraints is not None:
        for pin in central.constraints.pins:
            names.setdefault(pin.name, pin.line.requirement.name)
    for entry in central.global_list.entries:
        names[entry.name] = entry.requirement.name
    return names
