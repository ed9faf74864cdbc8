"""G008 and G009: the pins against the global list's entries, per supported
Python, on the platform pins are resolved for (accord.toml ``platform``): a
pin the list excludes or caps where both apply, and an entry with no pin
where its marker applies."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.constraints import Constraints, Pin
from accord.model.global_list import GlobalEntry
from accord.model.markers import platform_truth_table


def check_pins_allowed(repo: CentralRepo) -> Iterator[Finding]:
    """G008: a pin whose version the global list excludes or caps where
    both apply."""
    constraints = repo.constraints
    if constraints is None:
        return
    pins_by_name = constraints.index
    for name, entries in sorted(repo.global_list.index.items()):
        for pin in pins_by_name.get(name, ()):
            for entry in entries:
                pythons = _pythons_where_refused(repo, pin, entry)
                if pythons:
                    yield Finding(
                        "G008",
                        "error",
                        constraints.path,
                        pin.lineno,
                        f"{pin.line.requirement.name}==={pin.version} is not allowed "
                        f"by the global list ({entry.requirement} at "
                        f"{repo.global_list.path}:{entry.lineno}) on Python "
                        f"{', '.join(pythons)}",
                        "pin a version the global list allows, or change the entry",
                    )


def _pythons_where_refused(
    repo: CentralRepo, pin: Pin, entry: GlobalEntry
) -> list[str]:
    """The Pythons where both apply, on the platform pins are resolved for
    (as G009): a cap of a win32-only entry does not refuse a linux pin."""
    specifier = entry.requirement.specifier
    if specifier.contains(pin.version, prereleases=True):
        return []
    platform = repo.config.platform
    refused = []
    for python in repo.config.python_versions:
        pinned = platform_truth_table(pin.marker, (python,), platform)
        listed = platform_truth_table(entry.requirement.marker, (python,), platform)
        if any(p and e for p, e in zip(pinned, listed, strict=True)):
            refused.append(python)
    return refused


def check_unpinned_entries(repo: CentralRepo) -> Iterator[Finding]:
    """G009: an entry with no pin on a Python where it applies.

    Only on the platform pins are resolved for: a library whose marker holds
    only on win32 (PyMI, wmi) needs no pin when that platform is linux.
    """
    constraints = repo.constraints
    if constraints is None:
        return
    exempt = repo.config.unpinned | _denylisted(repo)
    platform = repo.config.platform
    pins_by_name = constraints.index
    for entry in repo.global_list.entries:
        if entry.name in exempt or entry.requirement.url is not None:
            continue  # a direct reference is never pinned: V006 says so
        pins = pins_by_name.get(entry.name, ())
        if any(pin.marker is None for pin in pins):
            continue  # pinned everywhere
        missing = [
            python
            for python in repo.config.python_versions
            if _unpinned_somewhere(entry, pins, python, platform)
        ]
        if missing:
            yield _unpinned(repo, entry, missing, constraints)


def _unpinned(
    repo: CentralRepo, entry: GlobalEntry, missing: list[str], constraints: Constraints
) -> Finding:
    """G009 for ``entry``, on the Pythons ``missing``. A pin line for it that
    cannot be read (G001) or is no exact pin (G011: ``>=``, a wildcard, no
    version) is named: that line is to be fixed, not another added."""
    name, path = entry.requirement.name, constraints.path
    message = f"{name} is not pinned in {path} for Python {', '.join(missing)}"
    fix = f"add '{name}===<version>' to {path}, or list it in unpinned / the denylist"
    unreadable = [line.lineno for line in constraints.unreadable_for(entry.name)]
    inexact = [bad.line.lineno for bad in constraints.malformed_for(entry.name)]
    if unreadable or inexact:
        named = []
        if unreadable:
            named.append(f"{path}:{_lines(unreadable)} names it but cannot be read")
        if inexact:
            named.append(f"{path}:{_lines(inexact)} names it but is not an exact pin")
        message += ": " + "; ".join(named)
        fix = f"fix {path}:{_lines(sorted(unreadable + inexact))} (name===version)"
    return Finding("G009", "error", repo.global_list.path, entry.lineno, message, fix)


def _lines(numbers: Sequence[int]) -> str:
    return ", ".join(str(number) for number in numbers)


def _unpinned_somewhere(
    entry: GlobalEntry, pins: Sequence[Pin], python: str, platform: str
) -> bool:
    """Whether the entry applies in an environment of ``python`` on
    ``platform`` where none of its pins does."""
    wanted = platform_truth_table(entry.requirement.marker, (python,), platform)
    pinned = [platform_truth_table(pin.marker, (python,), platform) for pin in pins]
    return any(
        here and not any(table[index] for table in pinned)
        for index, here in enumerate(wanted)
    )


def _denylisted(repo: CentralRepo) -> frozenset[str]:
    return repo.denylist.names if repo.denylist is not None else frozenset()
