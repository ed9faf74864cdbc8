"""The check findings about a line's minimum against the pins: C014 (the
minimum is a release the global list excludes; its fix names the pinned
version) and C007 (the minimum is above the pinned version); and C005 (its
marker contradicts the central one), whose fix names the marker sync writes."""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Iterator

from packaging.specifiers import Specifier, SpecifierSet
from packaging.version import Version

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.constraints import Pin
from accord.model.markers import environments, evaluate
from accord.model.requirements_file import canonical_name
from accord.model.sources import SourceRequirement
from accord.rules.contract import MINIMUM, Judgement, exact_pin, minimum_of


def excluded_minimum(
    item: SourceRequirement, verdict: Judgement, spec: Specifier, central: CentralRepo
) -> Finding:
    name = item.requirement.name
    floor = minimum_of(SpecifierSet(verdict.target_specifiers))
    allowed = SpecifierSet([*verdict.target_specifiers, spec])
    known = sorted(
        pin.version
        for pin in _applying_pins(item, central)
        if allowed.contains(pin.version, prereleases=True)
    )
    fix = (
        f"raise the minimum to >={known[0]} (the pinned version, which the global "
        "list allows)"
        if known
        else f"raise the minimum past {floor} to a release the global list allows"
    )
    # A warning: the line honours the contract (OpenStack's gate accepts it,
    # and pip installs the next allowed release), but its minimum says less
    # than it seems to, and sync cannot fix it without a human's choice.
    return Finding(
        "C014",
        "warning",
        item.path,
        item.line,
        f"{name}: the declared minimum {floor} is excluded centrally ({spec}), so "
        "sync leaves this line as it is rather than exclude its own minimum",
        fix,
    )


def _applying_pins(item: SourceRequirement, central: CentralRepo) -> Iterator[Pin]:
    """The pins of the item's library on a Python where the item applies."""
    if central.constraints is None:
        return
    marker = item.requirement.marker
    for pin in central.constraints.pins_for(canonical_name(item.requirement.name)):
        if (pin.marker is None and marker is None) or any(
            evaluate(pin.marker, env) and evaluate(marker, env)
            for env in environments(central.config.python_versions)
        ):
            yield pin


def hashed_pin_below_pin(
    item: SourceRequirement, central: CentralRepo
) -> Iterator[Finding]:
    """C018 for a hash-pinned ``==`` below the pin (one above is C007): pip
    finds no release that is both, and sync never changes a hashed pin."""
    exact = exact_pin(item.requirement) if item.hashed else None
    if exact is None or central.constraints is None:
        return
    for pin in _applying_pins(item, central):
        if exact < pin.version:
            yield Finding(
                "C018",
                "warning",
                item.path,
                item.line,
                f"{item.requirement.name}: the hash-pinned {exact} is not the "
                f"pinned {pin.version} ({central.constraints.path}:{pin.lineno}), "
                "so the project cannot install under the pins; sync does not "
                "change a hashed pin",
                f"pin {pin.version} and regenerate its hashes",
            )
            return


def minimum_above_pin(
    item: SourceRequirement, central: CentralRepo, verdict: Judgement
) -> Iterator[Finding]:
    floor = minimum_of(item.requirement.specifier)
    if floor is None or central.constraints is None:
        return
    for pin in _applying_pins(item, central):
        if pin.version < floor:
            fix = "bump the pin first (accord constraints bump), or lower the minimum"
            cap = _cap_below(verdict, floor) if verdict.conflict else None
            if cap is not None:  # C011: a pin stays under the central cap
                fix = (
                    f"lower the minimum to at most the pinned {pin.version}: the "
                    f"pin cannot be bumped past the global list's cap {cap} "
                    "(C011), unless that cap is raised in the global list first"
                )
            yield Finding(
                "C007",
                central.config.minimum_above_pin,
                item.path,
                item.line,
                f"{item.requirement.name}: the minimum {floor} is above the pinned "
                f"{pin.version} ({central.constraints.path}:{pin.lineno}), so the "
                "project cannot install under the pins",
                fix,
            )


def _cap_below(verdict: Judgement, floor: Version) -> Specifier | None:
    """The central cap (C011) that ``floor``, the line's minimum, is above."""
    assert verdict.entry is not None
    return next(
        (
            spec
            for spec in verdict.entry.requirement.specifier
            if spec.operator not in MINIMUM and spec.operator != "!="
            if not spec.contains(floor, prereleases=True)
        ),
        None,
    )


def marker_finding(
    item: SourceRequirement, verdict: Judgement, by_sync: str
) -> Finding:
    """C005: the marker sync writes, or why it leaves the line's own."""
    assert verdict.entry is not None
    central_marker = verdict.entry.requirement.marker or "none"
    if not verdict.marker_changed:
        fix = (
            f"use the global list's marker ({central_marker}), or narrow it by "
            "python_version only"
        )
        if by_sync:  # sync could rewrite it, yet no marker keeps its Pythons
            fix += (
                " (sync leaves it: no marker it could write keeps the line "
                "to the Pythons it applies to)"
            )
    elif verdict.marker_text is not None:
        fix = (
            f"use the global list's marker narrowed to this line's Pythons "
            f"({verdict.marker_text}){by_sync}"
        )
    else:
        fix = (
            f"use the global list's marker ({central_marker}){by_sync}, or "
            "narrow it by python_version only"
        )
    return Finding(
        "C005",
        "error",
        item.path,
        item.line,
        f"{item.requirement.name}: {verdict.marker_problem}",
        fix,
    )
