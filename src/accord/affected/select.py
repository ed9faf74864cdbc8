"""Which projects of the fleet a change reaches, per Python (pure).

A project's roots on a Python are the libraries its runtime and test
sources name there (markers evaluated for that Python); it is affected
when a moved library is among them or in their closure in the pins' graph,
each time with the shortest path that brings it in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName, canonicalize_name

from accord.affected.diff import Change
from accord.affected.graph import Graph
from accord.model.markers import applies_to_python
from accord.model.sources import SourceRequirement
from accord.project import Project
from accord.resolve.together import runtime_sources


@dataclass(frozen=True, slots=True)
class Reach:
    """A moved library reaching a project on a Python, and how."""

    python: str
    change: Change
    path: tuple[str, ...]  # project, then each library down to the moved one

    @property
    def text(self) -> str:
        return " -> ".join(self.path)


@dataclass(frozen=True, slots=True)
class AffectedProject:
    project: str  # its projects.txt entry
    reaches: tuple[Reach, ...]

    @property
    def pythons(self) -> tuple[str, ...]:
        found = {reach.python for reach in self.reaches}
        return tuple(sorted(found, key=lambda v: tuple(map(int, v.split(".")))))


def project_requirements(project: Project) -> tuple[SourceRequirement, ...]:
    """What the project installs to run its tests: runtime and test sources."""
    return tuple(
        item
        for source in runtime_sources(project, with_tests=True)
        for item in source.requirements
    )


def roots_on(
    requirements: Iterable[SourceRequirement], python: str
) -> frozenset[NormalizedName]:
    return frozenset(
        canonicalize_name(item.requirement.name)
        for item in requirements
        if applies_to_python(item.requirement.marker, python)
    )


def extras_used(projects: Iterable[Sequence[SourceRequirement]]) -> tuple[str, ...]:
    """``name[extra,...]`` for each library a project uses with extras: added
    to the graph's resolution so that what an extra pulls in is in it."""
    found = {
        f"{item.requirement.name}[{','.join(sorted(item.requirement.extras))}]"
        for requirements in projects
        for item in requirements
        if item.requirement.extras and item.requirement.url is None
    }
    return tuple(sorted(found))


def select(
    projects: Sequence[tuple[str, Sequence[SourceRequirement]]],
    changes: Sequence[Change],
    graphs: Mapping[str, Graph],
    spellings: Mapping[NormalizedName, str] | None = None,
) -> list[AffectedProject]:
    """The affected projects in the order given, each with every moved
    library it reaches on each Python (graphs missing a Python: direct
    requirements only)."""
    by_python: dict[str, list[Change]] = {}
    for change in changes:
        by_python.setdefault(change.python, []).append(change)
    found = []
    for entry, requirements in projects:
        reaches = []
        for python, moved in by_python.items():
            roots = roots_on(requirements, python)
            graph = graphs.get(python, Graph(python))
            paths = graph.paths_from(roots)
            for change in moved:
                path = paths.get(change.name)
                if path is not None:
                    named = tuple((spellings or {}).get(n, n) for n in path)
                    reaches.append(Reach(python, change, (entry, *named)))
        if reaches:
            found.append(AffectedProject(entry, tuple(reaches)))
    return found
