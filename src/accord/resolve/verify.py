"""Verify the pins: per Python, the global list resolved under the pins must
give back exactly the pins (co-installable and complete), and every pin must
still be needed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.central import CentralRepo
from accord.findings import Finding
from accord.index.client import IndexClient
from accord.index.model import ProjectPage
from accord.model.constraints import Pin
from accord.model.markers import applies_to_python
from accord.resolve.failures import group_failures
from accord.resolve.generate import build_requests, excluded_names, resolve_all
from accord.resolve.held import hold_constraint
from accord.resolve.merge import sort_pythons
from accord.resolve.pythons import on_pythons
from accord.resolve.request import ResolveOutcome, Resolver, ResolveRequest
from accord.rules.holds import known_names, unknown_name_findings, unknown_unpinned
from accord.rules.validate import validate


def verify_constraints(
    central: CentralRepo,
    pythons: Sequence[str],
    resolver: Resolver,
    jobs: int = 4,
    on_outcome: Callable[[ResolveOutcome], None] = lambda outcome: None,
) -> list[Finding]:
    """Every finding of validate's pin rules plus the resolution checks."""
    constraints = central.constraints
    if constraints is None:
        return [
            Finding(
                "V001", "error", "upper-constraints.txt", None,
                "there is no upper-constraints.txt to verify",
                "run accord constraints generate",
            )
        ]  # fmt: skip
    pythons = sort_pythons(pythons)
    requests = [
        ResolveRequest(
            request.python,
            request.requirements,
            _constraints_for(central, request.python),
            request.preferences,
        )
        for request in build_requests(central, pythons, ())
    ]
    outcomes = resolve_all(requests, resolver, jobs, on_outcome)
    # validate's pin rules, the global-list lines that could not be read
    # (what they name is not verified) and the entries never resolved.
    findings = [
        f
        for f in validate(central)
        if f.path == constraints.path
        or (f.rule in ("G001", "V006") and f.path == central.global_list.path)
    ]
    findings += _failure_findings(central, pythons, outcomes)
    if set(pythons) >= set(central.config.python_versions):  # not a --python few
        findings += _names_nothing_needs(central, outcomes)
    excluded = excluded_names(central)
    reachable: dict[NormalizedName, set[str]] = {}
    unpinned: dict[NormalizedName, dict[Version, list[str]]] = {}
    spelled: dict[NormalizedName, str] = {}
    for outcome in outcomes:
        if outcome.failure is not None:
            continue
        pinned = {pin.name for pin in _pins_for(central, outcome.python)}
        for resolved in outcome.pins:
            if resolved.name in excluded:
                continue
            reachable.setdefault(resolved.name, set()).add(outcome.python)
            if resolved.name not in pinned:
                by_version = unpinned.setdefault(resolved.name, {})
                by_version.setdefault(resolved.version, []).append(outcome.python)
                spelled.setdefault(resolved.name, resolved.display)
    for name, by_version in sorted(unpinned.items()):
        findings.append(
            Finding(
                "V003",
                "error",
                constraints.path,
                None,
                _unpinned_message(spelled[name], by_version, pythons),
                "add the pin, or regenerate the pins",
            )
        )
    resolved_pythons = {o.python for o in outcomes if o.failure is None}
    # Listed but never resolved: not stale (a denylisted pin is G010's).
    unresolved = excluded & central.global_list.names()
    for pin in constraints.pins:
        if pin.name in unresolved:
            continue
        pythons_here = [p for p in resolved_pythons if applies_to_python(pin.marker, p)]
        if pythons_here and not reachable.get(pin.name, set()) & set(pythons_here):
            findings.append(
                Finding(
                    "G014",
                    "warning",
                    constraints.path,
                    pin.lineno,
                    f"{pin.line.requirement.name} is pinned but nothing in the global "
                    "list needs it any more",
                    "remove the pin",
                )
            )
    return findings


def _names_nothing_needs(
    central: CentralRepo, outcomes: Sequence[ResolveOutcome]
) -> list[Finding]:
    """G022 where validate cannot say it: an ``unpinned`` name or a hold
    naming a library no resolution reached (nor a central file names).
    Only when every supported Python resolved: another may have needed it."""
    if not outcomes or any(o.failure is not None for o in outcomes):
        return []
    known = known_names(central) | {p.name for o in outcomes for p in o.pins}
    return list(
        unknown_name_findings(
            central,
            unknown_unpinned(central, known),
            [hold for hold in central.config.holds if hold.name not in known],
            "needed by nothing the global list installs",
            known,
        )
    )


def _unpinned_message(
    name: str, by_version: dict[Version, list[str]], run: Sequence[str]
) -> str:
    """Once per library: ``babel 2.19.0 is needed on Python 3.10-3.13 ...``."""
    if len(by_version) == 1:
        ((version, needing),) = by_version.items()
        return f"{name} {version} is needed {on_pythons(needing, run)} but not pinned"
    versions = ", ".join(
        f"{version} {on_pythons(needing, run)}"
        for version, needing in sorted(by_version.items())
    )
    return f"{name} is needed but not pinned: {versions}"


def _failure_findings(
    central: CentralRepo, run: Sequence[str], outcomes: Sequence[ResolveOutcome]
) -> list[Finding]:
    """V002 once per cause, at the global-list line of the library at fault
    (a direct reference, never resolved, is validate's V006)."""
    failures = [o.failure for o in outcomes if o.failure is not None]
    findings = []
    for group in group_failures(central, failures):
        findings.append(
            Finding(
                "V002",
                "error",
                group.path or "upper-constraints.txt",
                group.line,
                "the global list does not install under the pins "
                + group.describe(run),
                "regenerate the pins (accord constraints generate)",
            )
        )
    return findings


def _constraints_for(central: CentralRepo, python: str) -> tuple[str, ...]:
    """The pins of ``python`` and the holds, as generate resolves under them:
    what verify says is needed but unpinned is then a version the holds
    allow. A hold a pin breaks is left out: G021 reports that pin, and the
    rest of the list is still verified."""
    pins = _pins_for(central, python)
    broken = {
        pin.name
        for pin in pins
        for hold in central.config.holds
        if hold.name == pin.name and not hold.specifier.contains(pin.version, True)
    }
    held = tuple(
        hold_constraint(hold)
        for hold in central.config.holds
        if hold.name not in broken
    )
    exact = tuple(f"{pin.line.requirement.name}=={pin.version}" for pin in pins)
    return exact + held


def _pins_for(central: CentralRepo, python: str) -> list[Pin]:
    assert central.constraints is not None
    return [p for p in central.constraints.pins if applies_to_python(p.marker, python)]


def yanked_pins(central: CentralRepo, client: IndexClient) -> list[Finding]:
    """V004: a pin whose every file the index marks as yanked (PEP 592)."""
    if central.constraints is None:
        return []
    constraints = central.constraints
    pages = client.projects(
        sorted({pin.line.requirement.name for pin in constraints.pins})
    )
    findings = []
    for pin in constraints.pins:
        page = pages.get(pin.line.requirement.name)
        if not isinstance(page, ProjectPage):
            continue
        files = page.files_for(pin.version)
        if files and all(f.yanked is not None for f in files):
            reason = next((f.yanked for f in files if f.yanked), "")
            findings.append(
                Finding(
                    "V004",
                    "error",
                    constraints.path,
                    pin.lineno,
                    f"{pin.line.requirement.name} {pin.version} is yanked"
                    + (f": {reason}" if reason else ""),
                    "regenerate the pins with --refresh, or bump it",
                )
            )
        elif not files:
            findings.append(
                Finding(
                    "V005",
                    "error",
                    constraints.path,
                    pin.lineno,
                    f"{pin.line.requirement.name} {pin.version} is not on the index",
                    "regenerate the pins, or check the index settings",
                )
            )
    return findings


def young_pin_findings(central: CentralRepo, client: IndexClient) -> list[Finding]:
    """V007: pins uploaded less than ``[policy] cooldown`` ago."""
    policy = central.config.policy
    if central.constraints is None or not (
        policy.cooldown or policy.own_libraries_cooldown
    ):
        return []
    import datetime

    from accord.resolve.cooldown import young_pins
    from accord.resolve.stable import own_libraries

    constraints = central.constraints
    pages = client.projects(sorted({pin.name for pin in constraints.pins}))
    return young_pins(
        constraints,
        {page.name: page for page in pages.values() if isinstance(page, ProjectPage)},
        policy,
        own_libraries(central),
        datetime.datetime.now(datetime.timezone.utc),
    )
