"""C008: a library listed twice in one source (with the same extras and an
equivalent marker)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from packaging.utils import NormalizedName, canonicalize_name

from accord.findings import Finding
from accord.model.markers import markers_equivalent
from accord.model.sources import RequirementSource, SourceRequirement


def check_duplicates(source: RequirementSource) -> Iterator[Finding]:
    # The same library with other extras is not a duplicate: pip merges them.
    by_name: dict[tuple[NormalizedName, frozenset[str]], list[SourceRequirement]] = {}
    for item in source.requirements:
        extras = frozenset(canonical_name(e) for e in item.requirement.extras)
        by_name.setdefault((canonical_name(item.requirement.name), extras), []).append(
            item
        )
    label = source.label
    for items in by_name.values():
        if len(items) < 2:
            continue
        # The first line of each distinct marker (by meaning); a later line
        # with an equivalent marker repeats it. Linear in the lines, not
        # quadratic: 20,000 identical lines are checked in milliseconds.
        firsts: list[SourceRequirement] = []
        reported: set[tuple[str, int]] = set()
        for item in items:
            first = next(
                (
                    f
                    for f in firsts
                    if markers_equivalent(f.requirement.marker, item.requirement.marker)
                ),
                None,
            )
            if first is None:
                firsts.append(item)
            elif (first.path, first.line) == (item.path, item.line):
                continue  # the same line reached twice through include-group
            elif (item.path, item.line) not in reported:
                reported.add((item.path, item.line))
                yield Finding(
                    "C008",
                    "error",
                    item.path,
                    item.line,
                    f"{item.requirement.name} is listed again in {label} "
                    f"(first at line {first.line})",
                    "merge the two lines",
                )


@lru_cache(maxsize=16384)  # a fleet writes the same names thousands of times
def canonical_name(name: str) -> NormalizedName:
    return canonicalize_name(name)
