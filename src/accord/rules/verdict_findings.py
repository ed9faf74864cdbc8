"""The check findings of a line judged against its global-list entry: C003
(an exclusion or cap the list lacks), C004 (one of the list's missing),
C011, C018 (a URL or hash-pinned line), C006 (the minimum), and through
:mod:`accord.rules.pin_findings` C005, C007 and C014. Each says whether
sync fixes it: only where sync rewrites the line."""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.requirements_file import canonical_name, is_checkout_url
from accord.model.sources import SourceRequirement
from accord.rules.contract import PINNING, Judgement, minimum_of
from accord.rules.pin_findings import (
    excluded_minimum,
    hashed_pin_below_pin,
    marker_finding,
    minimum_above_pin,
)


def verdict_findings(
    item: SourceRequirement, verdict: Judgement, central: CentralRepo
) -> Iterator[Finding]:
    """The findings of ``item`` judged against its central entry."""
    name = item.requirement.name
    where = (item.path, item.line)
    assert verdict.entry is not None
    entry = verdict.entry
    # Promised only where sync rewrites the line (not with C011 or C014).
    by_sync = " (accord sync does)" if verdict.rewritable else ""
    for spec in verdict.extra:
        kind = "exclusion" if spec.operator == "!=" else "cap"
        yield Finding(
            "C003",
            "error",
            *where,
            f"{name}: the {kind} {spec} is not in the global list "
            f"({entry.requirement} at {central.global_list.path}:{entry.lineno})",
            f"{_without(spec, verdict)}{by_sync}, or propose it for the global list",
        )
    for spec in verdict.missing:
        kind = "exclusion" if spec.operator == "!=" else "cap"
        yield Finding(
            "C004",
            "warning",
            *where,
            f"{name}: the global list's {kind} {spec} is missing, so the range "
            "still allows it",
            f"add {spec}{by_sync}",
        )
    if verdict.conflict is not None:
        yield Finding(
            "C011",
            "error",
            *where,
            f"{name}: {verdict.conflict}",
            "lower the minimum, or raise the cap in the global list",
        )
    if verdict.excluded_minimum is not None:
        yield excluded_minimum(item, verdict, verdict.excluded_minimum, central)
    url = item.requirement.url
    if url is not None and (is_checkout_url(url) or not verdict.url_specifiers):
        # Whatever the checkout holds: C020, as for its -e VCS-URL#egg= form;
        # whatever the archive holds: C018, though the list excludes nothing.
        from accord.rules.checkouts import archive_finding, checkout_finding

        entries = central.global_list.entries_for(canonical_name(name))
        if is_checkout_url(url):
            yield checkout_finding(name, where, entries)
        else:
            yield archive_finding(name, url, where, entries)
    else:
        for spec in verdict.url_specifiers:
            yield Finding(
                "C018",
                "warning",
                *where,
                f"{name}: a direct URL reference cannot carry the global list's "
                f"{spec}, so sync leaves this line as it is",
                f"make sure the URL points at a release {spec} allows",
            )
    if verdict.pin_outside is not None:
        yield Finding(
            "C018",
            "error",
            *where,
            f"{name}: the hash-pinned version is outside the global list's "
            f"{verdict.pin_outside}; sync does not change a hashed pin",
            "pin a version the global list allows and regenerate its hashes",
        )
    if verdict.pin_outside is None:
        yield from hashed_pin_below_pin(item, central)
    if verdict.marker_problem is not None:
        yield marker_finding(item, verdict, by_sync)
    if verdict.minimum_problem is not None:
        yield Finding(
            "C006",
            "error",
            *where,
            f"{name}: {verdict.minimum_problem}",
            _minimum_fix(item, verdict, by_sync),
        )
    yield from minimum_above_pin(item, central, verdict)


def _without(spec: Specifier, verdict: Judgement) -> str:
    """How C003's ``spec`` goes: an ``==``, ``===`` or ``~=`` pin gives way
    to the minimum it implies where sync writes one (``PyYAML==6.0`` becomes
    ``PyYAML>=6.0``, not ``PyYAML``, which has no minimum: C006)."""
    if spec.operator in PINNING:
        try:  # "===foo" pins no version: it implies no minimum
            minimum = Specifier(f">={spec.version.removesuffix('.*')}")
        except InvalidSpecifier:
            return "remove it"
        if minimum in verdict.target_specifiers:
            return f"replace it with the minimum {minimum}"
    return "remove it"


def _minimum_fix(item: SourceRequirement, verdict: Judgement, by_sync: str) -> str:
    """C006's fix: sync writes in the central minimum where its target has it
    (lower-bounds = "central"; never on a URL or hash-pinned line)."""
    name = item.requirement.name
    target = minimum_of(SpecifierSet(verdict.target_specifiers))
    if by_sync and target != minimum_of(item.requirement.specifier):
        return f"raise the minimum to {name}>={target}{by_sync}"
    return f"declare the lowest version the project works with, e.g. {name}>=X.Y"
