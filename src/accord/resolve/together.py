"""Can the fleet install together (coinstall), and do a project's declared
minimums install together (lower bounds)? Both resolve with uv and, on
failure, point at the requirement lines uv's explanation names, once per
conflict with the Pythons it holds on. Direct references (paths, archives,
VCS, URLs) are reported and never resolved: that would build them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.markers import applies_to_python
from accord.model.sources import RequirementSource, SourceRequirement
from accord.project import Project
from accord.resolve.direct import REFUSAL_FIX, direct_reference, refusal
from accord.resolve.generate import excluded_names, resolve_all
from accord.resolve.merge import sort_pythons
from accord.resolve.pythons import on_pythons
from accord.resolve.request import ResolveOutcome, Resolver, ResolveRequest
from accord.resolve.uv_explain import involves, required

_RUNTIME_KINDS = frozenset({"project.dependencies", "setup.cfg install_requires"})
_TEST_WORDS = ("test", "check")


@dataclass(frozen=True, slots=True)
class Use:
    project: str
    item: SourceRequirement


def runtime_sources(project: Project, with_tests: bool) -> list[RequirementSource]:
    chosen = []
    for source in project.sources:
        name = source.path.rsplit("/", 1)[-1]
        runtime = source.kind in _RUNTIME_KINDS or name == "requirements.txt"
        testing = any(
            word in (source.group or name).lower() for word in _TEST_WORDS
        ) and not source.path.startswith(("doc/", "docs/"))
        if runtime or (with_tests and testing):
            chosen.append(source)
    return chosen


def coinstall(
    central: CentralRepo,
    projects: Sequence[tuple[str, Project]],  # (projects.txt entry, project)
    pythons: Sequence[str],
    resolver: Resolver,
    with_tests: bool = False,
    jobs: int = 4,
    on_outcome: Callable[[ResolveOutcome], None] = lambda outcome: None,
) -> list[Finding]:
    excluded = excluded_names(central)
    named = [
        Use(name, item)
        for name, project in projects
        for source in runtime_sources(project, with_tests)
        for item in source.requirements
        if canonicalize_name(item.requirement.name) not in excluded
    ]
    uses, findings = _split_direct("K003", named)
    for name, project in projects:
        findings += _unread(project, runtime_sources(project, with_tests), name)
    requirements = tuple(sorted({use.item.text for use in uses}))
    requests = [
        ResolveRequest(python, requirements, _pins(central, python))
        for python in sort_pythons(pythons)
    ]
    outcomes = resolve_all(requests, resolver, jobs, on_outcome)
    findings += _blame("K001", outcomes, uses, "the fleet cannot install together")
    return findings


def lower_bounds(
    central: CentralRepo,
    project: Project,
    pythons: Sequence[str],
    resolver: Resolver,
    jobs: int = 4,
    on_outcome: Callable[[ResolveOutcome], None] = lambda outcome: None,
) -> list[Finding]:
    """Resolve the project's runtime needs at their lowest allowed versions."""
    excluded = excluded_names(central)
    named = [
        Use(project.name, item)
        for source in runtime_sources(project, with_tests=False)
        for item in source.requirements
        if canonicalize_name(item.requirement.name) not in excluded
    ]
    uses, findings = _split_direct("L002", named)
    findings += _unread(project, runtime_sources(project, with_tests=False))
    requirements = tuple(dict.fromkeys(use.item.text for use in uses))
    requests = [
        ResolveRequest(python, requirements, lowest_direct=True)
        for python in sort_pythons(pythons)
    ]
    outcomes = resolve_all(requests, resolver, jobs, on_outcome)
    findings += _blame("L001", outcomes, uses, "the declared minimums do not install")
    findings += _untested_minimums(outcomes, uses)
    return findings


def _untested_minimums(
    outcomes: Sequence[ResolveOutcome], uses: Sequence[Use]
) -> list[Finding]:
    """L003: a minimum the lowest resolution did not reach. accord takes only
    wheels, so a minimum released only as an sdist (or not released at all)
    is passed over for the next version, and the minimum goes untested."""
    run = [o.python for o in outcomes]
    minimums = [_minimum(use.item.requirement) for use in uses]
    highest: dict[str, Version] = {}  # several lines: the highest minimum rules
    for use, minimum in zip(uses, minimums, strict=True):
        name = canonicalize_name(use.item.requirement.name)
        if minimum is not None and (name not in highest or minimum > highest[name]):
            highest[name] = minimum
    above: dict[tuple[int, Version], list[str]] = {}
    for outcome in outcomes:
        if outcome.failure is not None:
            continue
        resolved = {pin.name: pin.version for pin in outcome.pins}
        for number, use in enumerate(uses):
            name = canonicalize_name(use.item.requirement.name)
            minimum, got = minimums[number], resolved.get(name)
            if minimum is None or got is None or minimum != highest[name]:
                continue
            if got > minimum:
                above.setdefault((number, got), []).append(outcome.python)
    return [
        Finding(
            "L003",
            "warning",
            _where("L003", uses[number]),
            uses[number].item.line,
            f"{uses[number].item.text}: the lowest version that installs "
            f"{on_pythons(pythons, run)} is {got}, not the minimum (a minimum "
            "with no wheel, yanked or not released is passed over: accord never "
            "builds)",
            "raise the minimum to a version with wheels",
        )
        for (number, got), pythons in above.items()
    ]


def _unread(
    project: Project, sources: Sequence[RequirementSource], prefix: str | None = None
) -> list[Finding]:
    """C001 for each line of ``sources`` that could not be read (and each -r
    in their files that was not followed): it is left out of the resolution,
    which must not pass for want of it. ``prefix``: the projects.txt entry
    the paths are under."""
    files = {source.path for source in sources}
    problems = [p for p in project.problems if p.path in files]
    problems += [p for source in sources for p in source.problems]
    return [
        Finding(
            "C001",
            "error",
            p.path if prefix is None else f"{prefix}/{p.path}",
            p.line,
            f"{p.message} (not resolved)",
            p.fix,
        )
        for p in problems
    ]


def _minimum(requirement: Requirement) -> Version | None:
    """The lowest version a requirement states it allows, if it states one."""
    found = []
    for spec in requirement.specifier:
        if spec.operator in (">=", "~=", "==", "===") and "*" not in spec.version:
            try:
                found.append(Version(spec.version))
            except InvalidVersion:
                continue
    return max(found, default=None)


def _split_direct(rule: str, uses: Sequence[Use]) -> tuple[list[Use], list[Finding]]:
    """The uses to resolve, and a finding for each direct reference left out."""
    kept: list[Use] = []
    refused: list[Finding] = []
    for use in uses:
        kind = direct_reference(use.item.requirement)
        if kind is None:
            kept.append(use)
        else:
            refused.append(
                Finding(
                    rule,
                    "warning",
                    _where(rule, use),
                    use.item.line,
                    refusal(use.item.text, kind),
                    REFUSAL_FIX,
                )
            )
    return kept, refused


def _pins(central: CentralRepo, python: str) -> tuple[str, ...]:
    if central.constraints is None:
        return ()
    return tuple(
        f"{pin.line.requirement.name}=={pin.version}"
        for pin in central.constraints.pins
        if applies_to_python(pin.marker, python)
    )


def _where(rule: str, use: Use) -> str:
    return f"{use.project}/{use.item.path}" if rule.startswith("K") else use.item.path


def _involved(reason: str, uses: Sequence[Use]) -> tuple[Use, ...]:
    """The lines uv's explanation names: exactly, else by package name."""
    mentions = required(reason)
    exact = [u for u in uses if involves(mentions, u.item.requirement)]
    exact_names = {canonicalize_name(u.item.requirement.name) for u in exact}
    loose = [
        u
        for u in uses
        if involves(mentions, u.item.requirement) is None
        and canonicalize_name(u.item.requirement.name) not in exact_names
    ]
    chosen = {id(u) for u in [*exact, *loose]}
    return tuple(u for u in uses if id(u) in chosen)


def _blame(
    rule: str, outcomes: Sequence[ResolveOutcome], uses: Sequence[Use], what: str
) -> list[Finding]:
    """Each conflict once, at the requirement lines uv's explanation names,
    with the Pythons it holds on."""
    run = [o.python for o in outcomes]
    conflicts: dict[tuple[tuple[Use, ...], str], list[ResolveOutcome]] = {}
    for outcome in outcomes:
        if outcome.failure is None:
            continue
        blamed = _involved(outcome.failure.reason, uses)
        # Unlocated failures group by their text; located ones by their lines.
        key = (blamed, "" if blamed else outcome.failure.reason)
        conflicts.setdefault(key, []).append(outcome)
    findings = []
    for (blamed, _), failed in conflicts.items():
        assert failed[0].failure is not None
        where = on_pythons([o.python for o in failed], run)
        reason = failed[0].failure.reason
        if len(failed) > 1:
            reason = f"{reason} (uv on Python {failed[0].python})"
        if not blamed:
            findings.append(
                Finding(rule, "error", ".", None, f"{where} {what}: {reason}")
            )
            continue
        first = blamed[0]
        others = [
            f"{_where(rule, u)}:{u.item.line} {u.item.text} ({u.project})"
            for u in blamed[1:]
        ]
        together = f" together with {', '.join(others)}" if others else ""
        findings.append(
            Finding(
                rule,
                "error",
                _where(rule, first),
                first.item.line,
                f"{where} {what}: {first.item.text} ({first.project}){together}: "
                f"{reason}",
                "align the specifiers (see accord who-uses), or change the pins",
            )
        )
        findings.extend(
            Finding(
                rule,
                "error",
                _where(rule, use),
                use.item.line,
                f"{where} {what}: {use.item.text} ({use.project}) is part of the "
                f"conflict reported at {_where(rule, first)}:{first.item.line}",
                "align the specifiers (see accord who-uses), or change the pins",
            )
            for use in blamed[1:]
        )
    return findings
