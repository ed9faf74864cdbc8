"""Saying which Pythons something holds on: ``3.10-3.13`` or ``3.10, 3.12``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from accord.resolve.merge import sort_pythons


def describe_pythons(pythons: Iterable[str], run: Sequence[str]) -> str:
    """``3.10-3.13`` when ``pythons`` are consecutive in the run's Pythons
    (``run``), else a list; one Python is just its version."""
    chosen = sort_pythons(pythons)
    order = sort_pythons([*run, *chosen])
    positions = [order.index(python) for python in chosen]
    if len(chosen) > 1 and positions == list(range(positions[0], positions[-1] + 1)):
        return f"{chosen[0]}-{chosen[-1]}"
    return ", ".join(chosen)


def on_pythons(pythons: Iterable[str], run: Sequence[str]) -> str:
    """``on Python 3.10-3.13``."""
    return f"on Python {describe_pythons(pythons, run)}"
