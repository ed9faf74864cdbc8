"""Distro sources beyond the built-in ones, and asking all sources at once.

Other distros plug in through the ``accord.distro_sources`` entry-point
group: each entry point names a zero-argument callable returning a
``DistroSource``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from importlib.metadata import entry_points

from accord.distro.model import DistroPackage, DistroSource, Hit, best
from accord.errors import AccordError

__all__ = ["load_plugins", "lookup_all"]


def load_plugins(group: str = "accord.distro_sources") -> list[DistroSource]:
    """The distro sources that installed packages register as entry points.

    One that fails to import, raises, or returns something else is skipped
    with a warning.
    """
    loaded: list[DistroSource] = []
    for entry_point in entry_points(group=group):
        try:
            source = entry_point.load()()
            if not isinstance(source, DistroSource):
                raise TypeError(f"{source!r} has no name and lookup()")
        except Exception as exc:
            warnings.warn(
                f"distro source plugin {entry_point.name!r} skipped: {exc!r}",
                stacklevel=2,
            )
            continue
        loaded.append(source)
    return loaded


def lookup_all(sources: Sequence[DistroSource], project: str) -> list[DistroPackage]:
    """Every source's packages for ``project``, each distro's highest version.

    ``AccordError`` (a missing list file, an unreachable repository)
    propagates; any other failure of a source is a warning, so one broken
    plugin does not hide the others.
    """
    hits: list[Hit] = []
    for source in sources:
        try:
            found = source.lookup(project)
        except AccordError:
            raise
        except Exception as exc:
            warnings.warn(
                f"distro source {source.name!r} failed: {exc!r}", stacklevel=2
            )
            continue
        hits.extend(Hit(package, 0) for package in found)
    return best(hits)
