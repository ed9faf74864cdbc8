"""The dependency graph of the pins on one Python: which pin requires which.

It comes from one resolution of the pins (see :mod:`accord.affected.uv_graph`),
so markers are evaluated for that Python by the resolver itself. The core
only walks it: breadth first from a project's own requirements, giving the
shortest path to each library it reaches.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from packaging.utils import NormalizedName


@dataclass(frozen=True, slots=True)
class Graph:
    """``requires[a]`` is what ``a`` requires on ``python``."""

    python: str
    requires: Mapping[NormalizedName, frozenset[NormalizedName]] = field(
        default_factory=dict
    )

    def paths_from(
        self, roots: Iterable[NormalizedName]
    ) -> dict[NormalizedName, tuple[NormalizedName, ...]]:
        """The shortest requirement path from ``roots`` to each library reached
        (a root's path is itself alone)."""
        paths: dict[NormalizedName, tuple[NormalizedName, ...]] = {}
        queue: deque[NormalizedName] = deque()
        for root in sorted(set(roots)):
            paths[root] = (root,)
            queue.append(root)
        while queue:
            name = queue.popleft()
            for child in sorted(self.requires.get(name, ())):
                if child not in paths:
                    paths[child] = (*paths[name], child)
                    queue.append(child)
        return paths


class GraphSource(Protocol):
    """Builds the graph of a set of requirements (the pins) on a Python."""

    def graph(self, python: str, requirements: Sequence[str]) -> Graph: ...


def graph_from_parents(
    python: str, parents: Mapping[NormalizedName, Iterable[NormalizedName]]
) -> Graph:
    """A graph from "``child`` is required by ``parents[child]``" (what a
    resolver's ``# via`` annotations say)."""
    requires: dict[NormalizedName, set[NormalizedName]] = {}
    for child, by in parents.items():
        requires.setdefault(child, set())
        for parent in by:
            if parent != child:
                requires.setdefault(parent, set()).add(child)
    return Graph(python, {name: frozenset(kids) for name, kids in requires.items()})
