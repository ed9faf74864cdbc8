"""The contract between one project requirement and the global list.

``judge`` compares a requirement a project declares with the central entries
for its name and says, as values, everything ``check`` reports and everything
``sync`` would change: the specifiers the project adds that the list lacks,
the central exclusions and caps the project still lets through, marker and
minimum problems, and the specifier and marker the project should have.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import Specifier, SpecifierSet
from packaging.utils import canonicalize_name, canonicalize_version
from packaging.version import InvalidVersion, Version

from accord.config import LowerBoundPolicy
from accord.model.global_list import GlobalEntry
from accord.model.markers import (
    PROBE_PYTHONS,
    environments,
    evaluate,
    markers_equivalent,
)
from accord.rules.marker_contract import marker_verdict

MINIMUM = frozenset({">=", ">"})
PINNING = frozenset({"~=", "==", "==="})  # a minimum and a cap at once
EXCLUSION = "!="
CAP = frozenset({"<", "<="})


class Judgement(NamedTuple):
    """What the global list says of one requirement of a project."""

    entry: GlobalEntry | None  # the central entry compared with
    extra: tuple[Specifier, ...]  # exclusions/caps the central entry lacks
    missing: tuple[Specifier, ...]  # central exclusions/caps still allowed
    marker_problem: str | None
    minimum_problem: str | None
    conflict: str | None  # e.g. the project's minimum is above the central cap
    target_specifiers: tuple[Specifier, ...]  # what the line should say
    target_marker: Marker | None
    marker_changed: bool
    # A central exclusion of the very version the line declares as minimum:
    # adding it would make a line that excludes its own minimum.
    excluded_minimum: Specifier | None = None
    # Central caps and exclusions a direct URL reference cannot carry.
    url_specifiers: tuple[Specifier, ...] = ()
    # The central specifier a hash-pinned line's exact pin is outside of.
    pin_outside: Specifier | None = None
    # The marker text sync writes when it is not the central entry's own:
    # the central marker and the line's own Python narrowing.
    marker_text: str | None = None

    @property
    def conforms(self) -> bool:
        return not (self.extra or self.missing or self.marker_changed) and (
            self.minimum_problem is None
        )

    @property
    def rewritable(self) -> bool:
        """Whether sync may rewrite the line's requirement at all."""
        return (
            self.entry is not None
            and self.conflict is None
            and self.excluded_minimum is None
        )


def spec_key(spec: Specifier) -> tuple[str, str]:
    """What makes two specifiers equal (as packaging compares them), cached.

    Fleet runs compare the same few thousand specifiers millions of times;
    packaging recomputes the canonical version on every comparison.
    """
    return _spec_key(spec.operator, spec.version)


@lru_cache(maxsize=16384)
def _spec_key(operator: str, version: str) -> tuple[str, str]:
    if operator == "===":
        return operator, version
    return operator, canonicalize_version(
        _parsed(version), strip_trailing_zero=operator != "~="
    )


def same_specifiers(left: Iterable[Specifier], right: Iterable[Specifier]) -> bool:
    return {spec_key(s) for s in left} == {spec_key(s) for s in right}


def minimum_of(specifiers: SpecifierSet) -> Version | None:
    """The lowest version ``specifiers`` allow by their minimum, if any."""
    floors = [
        floor
        for s in specifiers
        if s.operator in MINIMUM or s.operator in PINNING
        if (floor := _floor(s)) is not None
    ]
    return max(floors) if floors else None


def _declared(specifiers: SpecifierSet) -> Version | None:
    """The highest ``>=``/``>`` floor written in ``specifiers``, pins aside."""
    floors = [
        floor
        for s in specifiers
        if s.operator in MINIMUM
        if (floor := _floor(s)) is not None
    ]
    return max(floors) if floors else None


def _floor(spec: Specifier) -> Version | None:
    """The version a minimum or pin starts at; None for ``===`` of a non-version."""
    return _version(spec.version.removesuffix(".*"))


@lru_cache(maxsize=16384)
def _version(text: str) -> Version | None:
    """``Version(text)``, once per distinct text (a check asks for each
    minimum several times), or None if it is not a version."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _parsed(text: str) -> Version | str:
    """``text`` as a Version (parsed once), or as it is when it is not one:
    what packaging's functions taking either would make of it."""
    version = _version(text)
    return text if version is None else version


def _extras(requirement: Requirement) -> frozenset[str]:
    return frozenset(canonicalize_name(extra) for extra in requirement.extras)


def entries_with_extras(
    requirement: Requirement, entries: Sequence[GlobalEntry]
) -> tuple[GlobalEntry, ...]:
    """The central entries a line with ``requirement``'s extras is compared
    with: those with the same extras; when the list names the library with
    several sets of extras (``foo[a]<2`` and ``foo[b]<3``) and none is the
    line's, those without extras (they say what any foo may be), or none;
    when it names it with one set only, all of them, whatever the line's."""
    if len({_extras(entry.requirement) for entry in entries}) == 1:
        return tuple(entries)
    mine = _extras(requirement)
    same = tuple(e for e in entries if _extras(e.requirement) == mine)
    return same or tuple(e for e in entries if not e.requirement.extras)


def select_entries(
    requirement: Requirement, entries: Sequence[GlobalEntry]
) -> tuple[GlobalEntry, ...]:
    """The central entries whose marker overlaps the requirement's."""
    marker = requirement.marker
    for entry in entries:
        if markers_equivalent(entry.requirement.marker, marker):
            return (entry,)
    return tuple(
        entry
        for entry in entries
        if any(
            evaluate(entry.requirement.marker, env) and evaluate(marker, env)
            for env in environments()
        )
    )


def judge(
    requirement: Requirement,
    entry: GlobalEntry,
    all_entries: Sequence[GlobalEntry],
    policy: LowerBoundPolicy,
    backport: bool = False,
    hashed: bool = False,
    supported: Sequence[str] = PROBE_PYTHONS,
) -> Judgement:
    """``hashed``: the line carries ``--hash``, so its exact pin must stay.
    ``supported``: the Pythons a marker sync writes must keep the line to."""
    if requirement.url is not None or hashed:
        return _judge_fixed(
            requirement, entry, all_entries, policy, backport, supported
        )
    central = list(entry.requirement.specifier)
    central_keys = {spec_key(s) for s in central}
    kept: list[Specifier] = []
    extra: list[Specifier] = []
    for spec in requirement.specifier:
        if spec.operator in MINIMUM or spec_key(spec) in central_keys:
            kept.append(spec)
        elif spec.operator in PINNING:
            extra.append(spec)
            floor = _floor(spec)  # None: "===foo" pins no version, no minimum
            # (Pins are rare: the line's own minimum is looked for only here.)
            declared = None if floor is None else _declared(requirement.specifier)
            # A minimum that starts there or higher already says it.
            if floor is not None and (declared is None or floor > declared):
                kept.append(Specifier(f">={spec.version.removesuffix('.*')}"))
        else:
            extra.append(spec)

    minimum_problem = None
    conflict = None
    project_minimum = minimum_of(requirement.specifier)
    central_minimum = minimum_of(entry.requirement.specifier)
    if (
        policy == "central"
        and central_minimum is not None
        and (project_minimum is None or project_minimum < central_minimum)
    ):
        minimum_problem = f"the global list's minimum is {central_minimum}, " + (
            "and this line has none"
            if project_minimum is None
            else f"and this line allows {project_minimum}"
        )
        kept = [s for s in kept if s.operator not in MINIMUM]
        kept.insert(0, Specifier(f">={central_minimum}"))
    elif project_minimum is None and requirement.url is None:
        minimum_problem = (
            "it has no minimum version; each project declares its own"
            if policy == "project"
            else "it has no minimum version, and the global list gives none to "
            "take (validate's G007)"
        )

    in_range = SpecifierSet([s for s in kept if s.operator in MINIMUM])
    missing: list[Specifier] = []
    floor = minimum_of(in_range)
    kept_keys = {spec_key(s) for s in kept}
    excluded_minimum = None
    for spec in central:
        if spec.operator in MINIMUM:
            continue
        if (
            spec.operator == EXCLUSION
            and floor is not None
            and in_range.contains(floor, prereleases=True)
            and not spec.contains(floor, prereleases=True)
        ):
            excluded_minimum = spec  # never write ">=4.5.0,!=4.5.0"
            continue
        is_cap = spec.operator != EXCLUSION
        if is_cap and floor is not None and not spec.contains(floor, prereleases=True):
            conflict = f"its minimum {floor} is above the global list's {spec}"
            continue
        if spec_key(spec) in kept_keys:
            continue
        if spec.operator != EXCLUSION or in_range.contains(
            _parsed(spec.version), prereleases=True
        ):
            missing.append(spec)
    target = [*kept, *missing]
    marker_problem, target_marker, marker_changed, marker_text = marker_verdict(
        requirement, entry, all_entries, backport, supported
    )
    return Judgement(
        entry,
        tuple(extra),
        tuple(missing),
        marker_problem,
        minimum_problem,
        conflict,
        tuple(target),
        target_marker,
        marker_changed,
        excluded_minimum=excluded_minimum,
        marker_text=marker_text,
    )


def exact_pin(requirement: Requirement) -> Version | None:
    """The version an ``==``/``===`` specifier pins exactly (no wildcard)."""
    for spec in requirement.specifier:
        if spec.operator in ("==", "===") and not spec.version.endswith(".*"):
            try:
                return Version(spec.version)
            except ValueError:  # "===" takes any string
                return None
    return None


def _judge_fixed(
    requirement: Requirement,
    entry: GlobalEntry,
    all_entries: Sequence[GlobalEntry],
    policy: LowerBoundPolicy,
    backport: bool,
    supported: Sequence[str],
) -> Judgement:
    """A URL or hash-pinned line: its specifiers stay exactly as written.

    Sync must not change what such a line installs (a URL cannot carry a
    specifier, and pip refuses a hashed requirement that is not pinned with
    ``==``), so only the marker may change; what the list asks beyond that
    is reported.
    """
    central = [s for s in entry.requirement.specifier if s.operator not in MINIMUM]
    pin = exact_pin(requirement)
    url_specifiers: tuple[Specifier, ...] = ()
    pin_outside = None
    minimum_problem = None
    if requirement.url is not None:
        url_specifiers = tuple(central)
    elif pin is not None:
        pin_outside = next(
            (s for s in central if not s.contains(pin, prereleases=True)), None
        )
        central_minimum = minimum_of(entry.requirement.specifier)
        if (
            policy == "central"
            and central_minimum is not None
            and pin < central_minimum
        ):
            minimum_problem = (
                f"the global list's minimum is {central_minimum}, and this line "
                f"pins {pin}"
            )
    marker_problem, target_marker, marker_changed, marker_text = marker_verdict(
        requirement, entry, all_entries, backport, supported
    )
    return Judgement(
        entry,
        (),
        (),
        marker_problem,
        minimum_problem,
        None,
        tuple(requirement.specifier),
        target_marker,
        marker_changed,
        url_specifiers=url_specifiers,
        pin_outside=pin_outside,
        marker_text=marker_text,
    )
