"""C008: a library listed twice in one source (with the same extras and an
equivalent marker); and C021: a line whose extras are none of those the
global list names its library with."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from packaging.markers import Marker
from packaging.utils import NormalizedName

from accord.findings import Finding
from accord.model.global_list import GlobalEntry
from accord.model.markers import markers_equivalent
from accord.model.requirements_file import canonical_name
from accord.model.sources import RequirementSource, SourceRequirement

__all__ = ["canonical_name", "check_duplicates", "marker_collisions"]


def check_duplicates(source: RequirementSource) -> Iterator[Finding]:
    # The same library with other extras is not a duplicate: pip merges them.
    by_name: dict[tuple[NormalizedName, frozenset[str]], list[SourceRequirement]] = {}
    for item in source.requirements:
        requirement = item.requirement
        extras = (
            frozenset(canonical_name(e) for e in requirement.extras)
            if requirement.extras
            else _NO_EXTRAS
        )
        by_name.setdefault((canonical_name(requirement.name), extras), []).append(item)
    label = source.label
    for items in by_name.values():
        if len(items) > 1:
            yield from _repeats(items, label)


def marker_collisions(
    items: Sequence[SourceRequirement], moves: dict[int, Marker | None]
) -> dict[int, SourceRequirement]:
    """The items (by index) whose marker sync must not set, each with the
    other item it would then repeat (C008). ``moves``: the marker sync gives
    each item it changes the marker of (by index); the others keep theirs.

    In order, so the first of two lines sync would set alike is set and the
    later one kept as written; a line already written with that marker, even
    a later one, keeps it.
    """
    groups: dict[tuple[NormalizedName, frozenset[str]], list[int]] = {}
    for index, item in enumerate(items):
        requirement = item.requirement
        extras = frozenset(canonical_name(e) for e in requirement.extras)
        groups.setdefault((canonical_name(requirement.name), extras), []).append(index)
    kept: dict[int, SourceRequirement] = {}
    for indexes in groups.values():
        if len(indexes) < 2 or not any(i in moves for i in indexes):
            continue
        final = {i: items[i].requirement.marker for i in indexes if i not in moves}
        for index in (i for i in indexes if i in moves):
            item = items[index]
            partner = next(
                (
                    other
                    for other, marker in final.items()
                    if items[other][1:4] != item[1:4]  # not the same entry again
                    and markers_equivalent(marker, moves[index])
                ),
                None,
            )
            if partner is None:
                final[index] = moves[index]
            else:  # left as written: its own marker stays
                kept[index] = items[partner]
                final[index] = item.requirement.marker
    return kept


def _repeats(items: list[SourceRequirement], label: str) -> Iterator[Finding]:
    """C008 for each of ``items`` (one library) whose marker means the same
    as an earlier one's.

    Linear in the lines, not quadratic: each distinct marker object (a line
    written many times shares one parsed requirement) is compared once with
    the first line of each distinct meaning, so 20,000 identical lines are
    checked in milliseconds.
    """
    firsts: list[SourceRequirement] = []  # the first line of each meaning
    first_for: dict[int, SourceRequirement] = {}  # id(marker) -> its first line
    messages: dict[tuple[str, int], str] = {}  # one message a (name, first line)
    reported: set[tuple[str, int]] = set()
    for item in items:
        marker = item.requirement.marker
        # The items hold their markers, so an id stays theirs in this loop.
        first = first_for.get(id(marker))
        if first is None:
            first = next(
                (f for f in firsts if markers_equivalent(f.requirement.marker, marker)),
                None,
            )
            if first is None:
                firsts.append(item)
                first_for[id(marker)] = item
                continue
            first_for[id(marker)] = first
        where = (item.path, item.line)
        if where in reported:
            continue  # one finding a line
        reported.add(where)
        name = item.requirement.name
        message = messages.get((name, first.line))
        fix = "merge the two lines"
        if where == (first.path, first.line):  # in one TOML array's line
            message = f"{name} is listed twice on this line of {label}"
            fix = "merge the two entries into one"
        elif message is None:
            message = messages[(name, first.line)] = (
                f"{name} is listed again in {label} (first at line {first.line})"
            )
        yield Finding("C008", "error", *where, message, fix)


_NO_EXTRAS: frozenset[str] = frozenset()


def other_extras(item: SourceRequirement, entries: tuple[GlobalEntry, ...]) -> Finding:
    """C021: the list names the library with other extras only, each with
    its own specifiers: which of them the line should keep to is for a human."""
    name = item.requirement.name
    listed = [
        f"{e.requirement.name}[{','.join(sorted(e.requirement.extras))}] "
        f"(line {e.lineno})"
        for e in entries
    ]
    shown = (
        listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
    )
    extras = sorted(item.requirement.extras)
    mine = f"with extras [{','.join(extras)}]" if extras else "without extras"
    return Finding(
        "C021",
        "warning",
        item.path,
        item.line,
        f"{name}: the global list has {name} only as {shown}, none {mine}",
        "use the extras of one of those lines, or propose this one for the "
        "global list (sync leaves the line)",
    )
