"""C008: a library listed twice in one source (with the same extras and an
equivalent marker)."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import NormalizedName

from accord.findings import Finding
from accord.model.markers import markers_equivalent
from accord.model.requirements_file import canonical_name
from accord.model.sources import RequirementSource, SourceRequirement

__all__ = ["canonical_name", "check_duplicates"]


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
