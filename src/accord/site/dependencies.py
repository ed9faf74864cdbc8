"""Which pin requires which, per Python: ``accord affected``'s graphs of the
pins (:func:`accord.affected.find.pins_graphs`, from uv's ``# via``
annotations), kept to the pinned libraries and turned both ways.

The graphs need a resolver run against an index, so the site asks for them
only with ``--dependencies``; this module is the pure part.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName

from accord.affected.graph import Graph, GraphSource

if TYPE_CHECKING:
    from accord.central import CentralRepo


@dataclass(frozen=True, slots=True)
class Edge:
    """Another pinned library, on the Pythons the link holds on (``()``: on
    every Python the graphs were built for)."""

    name: NormalizedName
    pythons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dependencies:
    """Each pinned library's ``requires`` and ``required_by``."""

    pythons: tuple[str, ...]  # the Pythons a graph was built for
    requires: Mapping[NormalizedName, tuple[Edge, ...]] = field(default_factory=dict)
    required_by: Mapping[NormalizedName, tuple[Edge, ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # Pythons whose pins did not resolve, and why

    @property
    def names(self) -> tuple[NormalizedName, ...]:
        """Every library with a link either way, by name."""
        return tuple(sorted(set(self.requires) | set(self.required_by)))


def pin_dependencies(
    central: CentralRepo, source: GraphSource, jobs: int
) -> Dependencies:
    """Resolve the pins on each supported Python (``source``, uv) and keep the
    links between pinned libraries."""
    from accord.affected.diff import pins_for_python
    from accord.affected.find import pins_graphs

    pythons = central.config.python_versions
    graphs = pins_graphs(central, pythons, source, jobs)
    pinned = {
        python: set(pins_for_python(central.constraints, python)) for python in pythons
    }
    return dependency_view(graphs, pinned)


def dependency_view(
    graphs: Mapping[str, Graph | Exception],
    pinned: Mapping[str, Collection[NormalizedName]],
) -> Dependencies:
    """The links between pinned libraries of each Python's graph.

    ``pinned[python]`` is what is pinned on that Python: a package the
    resolver took from the index without a pin is left out, and so are its
    links. A Python whose graph failed is named in ``problems``.
    """
    built = [python for python, graph in graphs.items() if isinstance(graph, Graph)]
    problems = tuple(
        f"Python {python}: {graph}"
        for python, graph in graphs.items()
        if not isinstance(graph, Graph)
    )
    forward: dict[tuple[NormalizedName, NormalizedName], list[str]] = {}
    for python in built:
        graph = graphs[python]
        assert isinstance(graph, Graph)
        names = pinned.get(python, ())
        for parent, children in graph.requires.items():
            if parent not in names:
                continue
            for child in children:
                if child in names and child != parent:
                    forward.setdefault((parent, child), []).append(python)
    requires: dict[NormalizedName, list[Edge]] = {}
    required_by: dict[NormalizedName, list[Edge]] = {}
    for (parent, child), pythons in sorted(forward.items()):
        on = () if len(pythons) == len(built) else _ordered(pythons, built)
        requires.setdefault(parent, []).append(Edge(child, on))
        required_by.setdefault(child, []).append(Edge(parent, on))
    return Dependencies(
        tuple(built),
        {name: tuple(edges) for name, edges in requires.items()},
        {name: tuple(sorted(e, key=_by_name)) for name, e in required_by.items()},
        problems,
    )


def _ordered(pythons: Sequence[str], order: Sequence[str]) -> tuple[str, ...]:
    return tuple(python for python in order if python in pythons)


def _by_name(edge: Edge) -> str:
    return edge.name
