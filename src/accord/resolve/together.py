"""Can the fleet install together (coinstall), and do a project's declared
minimums install together (lower bounds)? Both resolve with uv and, on
failure, point at the requirement lines that name what collided.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.markers import applies_to_python
from accord.model.sources import RequirementSource, SourceRequirement
from accord.project import Project
from accord.resolve.generate import excluded_names, resolve_all
from accord.resolve.merge import sort_pythons
from accord.resolve.request import ResolveOutcome, Resolver, ResolveRequest

_RUNTIME_KINDS = frozenset({"project.dependencies", "setup.cfg install_requires"})
_TEST_WORDS = ("test", "check")
_NAME_IN_REASON = re.compile(r"(?<![\w.-])([A-Za-z0-9][A-Za-z0-9._-]*)(?=[<>=!~ \[]|$)")


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
    uses = [
        Use(name, item)
        for name, project in projects
        for source in runtime_sources(project, with_tests)
        for item in source.requirements
        if canonicalize_name(item.requirement.name) not in excluded
        and item.requirement.url is None
    ]
    requirements = tuple(sorted({use.item.text for use in uses}))
    requests = [
        ResolveRequest(python, requirements, _pins(central, python))
        for python in sort_pythons(pythons)
    ]
    findings = []
    for outcome in resolve_all(requests, resolver, jobs, on_outcome):
        if outcome.failure is None:
            continue
        findings.extend(
            _blame("K001", outcome, uses, "the fleet cannot install together")
        )
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
    uses = [
        Use(project.name, item)
        for source in runtime_sources(project, with_tests=False)
        for item in source.requirements
        if canonicalize_name(item.requirement.name) not in excluded
    ]
    requirements = tuple(dict.fromkeys(use.item.text for use in uses))
    requests = [
        ResolveRequest(python, requirements, lowest_direct=True)
        for python in sort_pythons(pythons)
    ]
    findings = []
    for outcome in resolve_all(requests, resolver, jobs, on_outcome):
        if outcome.failure is not None:
            findings.extend(
                _blame("L001", outcome, uses, "the declared minimums do not install")
            )
    return findings


def _pins(central: CentralRepo, python: str) -> tuple[str, ...]:
    if central.constraints is None:
        return ()
    return tuple(
        f"{pin.line.requirement.name}=={pin.version}"
        for pin in central.constraints.pins
        if applies_to_python(pin.marker, python)
    )


def _blame(
    rule: str, outcome: ResolveOutcome, uses: Iterable[Use], what: str
) -> list[Finding]:
    """One finding per requirement line naming a package the failure names."""
    assert outcome.failure is not None
    reason = outcome.failure.reason
    named = {canonicalize_name(m) for m in _NAME_IN_REASON.findall(reason)}
    blamed = [u for u in uses if canonicalize_name(u.item.requirement.name) in named]
    if not blamed:
        return [
            Finding(
                rule, "error", ".", None, f"on Python {outcome.python} {what}: {reason}"
            )
        ]
    return [
        Finding(
            rule,
            "error",
            f"{use.project}/{use.item.path}" if rule == "K001" else use.item.path,
            use.item.line,
            f"on Python {outcome.python} {what}: {use.item.text} ({use.project}) "
            f"is part of the conflict: {reason}",
            "align the specifiers (see accord who-uses), or change the pins",
        )
        for use in blamed
    ]
