"""The cooldown as the resolving commands apply it: uv's cutoffs from
``[policy]``, and the releases it held back, from the index's upload times."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.utils import NormalizedName
    from packaging.version import Version

    from accord.cli._constraints import Resolving
    from accord.index.model import ProjectPage
    from accord.resolve.cooldown import Cutoffs
    from accord.resolve.generate import Generated


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def cooldown_cutoffs(
    resolving: Resolving, taken: Collection[NormalizedName] = ()
) -> Cutoffs:
    from accord.resolve.cooldown import cutoffs
    from accord.resolve.stable import own_libraries

    central = resolving.central
    return cutoffs(
        central.config.policy,
        own_libraries(central),
        now(),
        taken,
    )


def held_back_notes(
    resolving: Resolving, result: Generated, limits: Cutoffs
) -> list[str]:
    """What the cooldown kept out, from the index's upload times."""
    if limits.default is None or result.text is None:
        return []
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name

    from accord.resolve.cooldown import held_back
    from accord.resolve.stable import own_libraries

    pages = _pages(resolving, sorted({line.name for line in result.lines}))
    chosen: dict[NormalizedName, Version] = {}
    for line in result.lines:
        chosen[line.name] = max(chosen.get(line.name, line.version), line.version)
    central = resolving.central
    allowed: dict[NormalizedName, SpecifierSet] = {}
    for entry in central.global_list.entries:
        allowed[entry.name] = allowed.get(entry.name, SpecifierSet()) & (
            entry.requirement.specifier
        )
    for hold in central.config.resolution.holds:
        name = canonicalize_name(hold.name)
        allowed[name] = allowed.get(name, SpecifierSet()) & hold.specifier
    return [
        held.describe()
        for held in held_back(
            pages,
            chosen,
            limits,
            central.config.policy,
            own_libraries(central),
            allowed,
        )
    ]


def _pages(
    resolving: Resolving, names: Sequence[str]
) -> dict[NormalizedName, ProjectPage]:
    """The index's pages of ``names`` (none without an http index)."""
    from accord.index.client import IndexClient
    from accord.index.model import ProjectPage as Page

    index = resolving.resolver.index
    if index.no_index or not (index.url or "https://").startswith("http"):
        return {}
    client = IndexClient(index.url or "https://pypi.org/simple/", None)
    return {
        page.name: page
        for page in client.projects(list(names)).values()
        if isinstance(page, Page)
    }
