"""The marker a project line should have against the global list's (C005).

A project may narrow a central entry by Python version; any other narrowing,
or a marker that lets the library in where the list does not, contradicts
it. The marker sync writes then is the central one, still narrowed by the
line's own Python-version terms where they narrow it on a supported Python.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Sequence

from packaging.markers import Marker
from packaging.requirements import Requirement

from accord.model.global_list import GlobalEntry
from accord.model.markers import (
    environments,
    evaluate,
    grouped,
    markers_equivalent,
    python_narrowing,
    pythons_where,
)

_PYTHON_VARIABLES = ("python_version", "python_full_version")


def marker_verdict(
    requirement: Requirement,
    entry: GlobalEntry,
    all_entries: Sequence[GlobalEntry],
    backport: bool,
    supported: Sequence[str],
) -> tuple[str | None, Marker | None, bool, str | None]:
    """The marker problem, the marker the line should have, if it changes,
    and its text when that is not the central entry's own.

    The line should have the central marker, narrowed by the line's own
    Python-version terms where they still narrow it on a ``supported``
    Python: sync never makes a line apply to a supported Python it did not
    apply to. When no marker does that (the line's Pythons are not the
    central marker's, or are tied to a platform), the line keeps its marker
    for a human to choose.
    """
    marker_problem = marker_contradiction(requirement, all_entries, backport)
    if marker_problem is None:
        return None, requirement.marker, False, None
    central = entry.requirement.marker
    target, text = central, None
    narrowing = python_narrowing(requirement.marker)
    if narrowing is not None:
        own = Marker(narrowing)
        both = own if central is None else _both(central, own)
        if markers_equivalent(both, central, supported):
            pass  # no supported Python left out: the central marker says it
        # The line's own terms alone where they stay within the central
        # marker on every Python probed, as C005 judges.
        elif central is None or markers_equivalent(both, own):
            target, text = own, narrowing
        else:
            text = f"{grouped(entry.line.marker_text or '')} and {grouped(narrowing)}"
            target = Marker(text)
    pythons = pythons_where(target, supported)
    if not pythons or not pythons <= pythons_where(requirement.marker, supported):
        return marker_problem, requirement.marker, False, None
    changed = not markers_equivalent(target, requirement.marker)
    return marker_problem, target, changed, text


def _both(left: Marker, right: Marker) -> Marker:
    return Marker(f"{grouped(str(left))} and {grouped(str(right))}")


def marker_contradiction(
    requirement: Requirement, entries: Sequence[GlobalEntry], backport: bool
) -> str | None:
    """Why the requirement's marker contradicts the central ones, if it does.

    A project may narrow an entry to some Python versions; it may not use a
    library where the list does not allow it, nor narrow it by platform.
    Backports may carry any Python-version marker.
    """
    marker = requirement.marker
    if marker is None and all(e.requirement.marker is None for e in entries):
        return None
    if backport and _only_python(marker):
        return None
    central = [e.requirement.marker for e in entries]
    shown = " or ".join(f"'{m}'" for m in central if m is not None) or "none"
    by_python: dict[str, set[bool]] = {}
    for env in environments():
        allowed = any(evaluate(m, env) for m in central)
        used = evaluate(marker, env)
        if used and not allowed:
            whose = (
                "it has no marker, so it"
                if marker is None
                else (f"its marker '{marker}'")
            )
            return (
                f"{whose} allows environments the global list's marker {shown} does not"
            )
        if allowed:
            by_python.setdefault(env["python_version"], set()).add(used)
    # A marker that holds nowhere the list allows the library, and not by
    # Python version alone: by platform, or by ``extra``, which pip takes as
    # "" in a requirements file, so the line never installs anything.
    never = by_python and not _only_python(marker)
    never = never and not any(True in values for values in by_python.values())
    if never or any(len(values) > 1 for values in by_python.values()):
        return (
            f"its marker '{marker}' narrows the global list's ({shown}) by more than "
            "the Python version"
        )
    return None


def _only_python(marker: Marker | None) -> bool:
    if marker is None:
        return True
    text = str(marker)
    for variable in _PYTHON_VARIABLES:
        text = text.replace(variable, "")
    return not any(
        name in text
        for name in (
            "sys_platform", "platform_", "os_name", "implementation_",
            "extra", "_version",
        )
    )  # fmt: skip
