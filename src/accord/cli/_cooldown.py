"""The cooldown as the resolving commands apply it: uv's cutoffs from
``[policy]``, and the releases it held back, from the index's upload times."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.utils import NormalizedName
    from packaging.version import Version

    from accord.cli._resolving import Resolving
    from accord.index.model import ProjectPage
    from accord.resolve.cooldown import Cutoffs
    from accord.resolve.generate import Generated
    from accord.resolve.vulnfix import VulnerabilityFix


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def cooldown_cutoffs(
    resolving: Resolving,
    taken: Collection[NormalizedName] = (),
    fixing: Collection[NormalizedName] = (),
) -> Cutoffs:
    from accord.resolve.cooldown import cutoffs
    from accord.resolve.stable import own_libraries

    central = resolving.central
    return cutoffs(
        central.config.policy,
        own_libraries(central),
        now(),
        taken,
        fixing,
    )


def vulnerability_exemptions(
    resolving: Resolving,
    limits: Cutoffs,
    osv_url: str | None,
    enabled: bool,
    only: Collection[NormalizedName] | None = None,
) -> tuple[list[VulnerabilityFix], list[str]]:
    """The libraries (of ``only``, else all) whose current pin OSV knows a
    vulnerability of, fixed by a release the cooldown would keep out; and
    the notes saying so. OSV unreachable: none, and a note."""
    central = resolving.central
    if (
        limits.default is None
        or not enabled
        or not central.config.policy.exempt_vulnerability_fixes
        or central.constraints is None
    ):
        return [], []
    from accord.audit.osv import DEFAULT_OSV_URL, OsvClient
    from accord.index._http import Fetcher, IndexUnavailable
    from accord.index.client import default_cache_dir
    from accord.resolve.vulnfix import vulnerability_fixes

    keys = sorted(
        {
            (pin.name, pin.version)
            for pin in central.constraints.pins
            if only is None or pin.name in only
        }
    )
    if not keys:
        return [], []
    url = osv_url or central.config.resolution.audit.osv_url or DEFAULT_OSV_URL
    cache = default_cache_dir()
    osv = OsvClient(
        Fetcher(cache, timeout=15.0, retries=2), url, store=cache.parent / "osv"
    )
    try:
        advisories = osv.advisories(keys)
    except IndexUnavailable as error:
        return [], [
            f"OSV could not tell which pins are vulnerable ({error}): the "
            "cooldown applies to every release"
        ]
    names = sorted({key[0] for key in keys if advisories.get(key)})
    fixes = vulnerability_fixes(keys, advisories, _pages(resolving, names), limits)
    return fixes, [fix.describe() for fix in fixes]


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
