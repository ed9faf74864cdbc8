"""Rules for a consuming project against the central files (C*).

``check_project`` reads nothing: it takes a loaded project and the central
repo and returns every finding, each at the file and line of the requirement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from packaging.utils import NormalizedName, canonicalize_name

from accord.central import CentralRepo
from accord.findings import Finding, sort_findings
from accord.model.markers import environments, evaluate, markers_equivalent
from accord.model.sources import RequirementSource, SourceRequirement
from accord.project import Project
from accord.rules.contract import Judgement, judge, minimum_of, select_entries


def check_project(project: Project, central: CentralRepo) -> list[Finding]:
    findings: set[Finding] = set()
    for problem in project.problems:
        findings.add(
            Finding("C001", "error", problem.path, problem.line, problem.message)
        )
    memo: dict[str, Assessment] = {}
    for source in project.sources:
        findings.update(_check_source(source, central, memo))
    if not project.sources:
        findings.add(no_sources_finding())
    return sort_findings(findings)


def no_sources_finding() -> Finding:
    return Finding(
        "C009",
        "warning",
        ".",
        None,
        "no requirement sources found (requirements files, setup.cfg, pyproject.toml)",
        "add the project's requirements, or set requirement-files in accord.toml",
    )


def _check_source(
    source: RequirementSource, central: CentralRepo, memo: dict[str, Assessment]
) -> Iterator[Finding]:
    for problem in source.problems:
        yield Finding("C001", "error", problem.path, problem.line, problem.message)
    yield from check_duplicates(source)
    for item in source.requirements:
        yield from assess_requirement(item, central, memo).findings


@dataclass(frozen=True, slots=True)
class Assessment:
    """One requirement weighed against the global list, for check and sync."""

    findings: tuple[Finding, ...]
    listed: bool  # False: the global list does not have it
    judgement: Judgement | None  # None unless compared with one central entry


def check_requirement(
    item: SourceRequirement, central: CentralRepo
) -> Iterator[Finding]:
    return iter(assess_requirement(item, central).findings)


def assess_requirement(
    item: SourceRequirement,
    central: CentralRepo,
    memo: dict[str, Assessment] | None = None,
) -> Assessment:
    """``item`` against the global list; ``memo`` (one per project) lets a
    line written many times be judged once, its findings moved to each place.
    """
    if memo is None:
        return _assess(item, central)
    known = memo.get(item.text)
    if known is None:
        known = memo[item.text] = _assess(item, central)
        return known
    moved = tuple(
        Finding(f.rule, f.severity, item.path, item.line, f.message, f.fix)
        for f in known.findings
    )
    return Assessment(moved, known.listed, known.judgement)


def _assess(item: SourceRequirement, central: CentralRepo) -> Assessment:
    requirement = item.requirement
    name = requirement.name
    canonical = _canonical(item)
    if central.denylist is not None and central.denylist.has(canonical):
        return Assessment((), True, None)
    entries = central.global_list.entries_for(canonical)
    where = (item.path, item.line)
    if not entries:
        unlisted = Finding(
            "C002",
            "error",
            *where,
            f"{name} is not in the global list",
            "propose adding it to global-requirements.txt (see accord review), "
            "or remove it",
        )
        return Assessment((unlisted,), False, None)
    overlapping = select_entries(requirement, entries)
    if len(overlapping) > 1:
        ambiguous = Finding(
            "C010",
            "warning",
            *where,
            f"the global list has {len(overlapping)} lines for {name} with "
            "different markers, and this line covers several of them",
            "write one line per central marker",
        )
        return Assessment((ambiguous,), True, None)
    backport = central.backports is not None and central.backports.has(canonical)
    entry = overlapping[0] if overlapping else entries[0]
    verdict = judge(requirement, entry, entries, central.config.lower_bounds, backport)
    return Assessment(tuple(_verdict_findings(item, verdict, central)), True, verdict)


def _verdict_findings(
    item: SourceRequirement, verdict: Judgement, central: CentralRepo
) -> Iterator[Finding]:
    name = item.requirement.name
    where = (item.path, item.line)
    assert verdict.entry is not None
    entry_at = f"{central.global_list.path}:{verdict.entry.lineno}"
    central_text = str(verdict.entry.requirement)
    for spec in verdict.extra:
        kind = "exclusion" if spec.operator == "!=" else "cap"
        yield Finding(
            "C003",
            "error",
            *where,
            f"{name}: the {kind} {spec} is not in the global list "
            f"({central_text} at {entry_at})",
            "remove it (accord sync does), or propose it for the global list",
        )
    for spec in verdict.missing:
        kind = "exclusion" if spec.operator == "!=" else "cap"
        yield Finding(
            "C004",
            "warning",
            *where,
            f"{name}: the global list's {kind} {spec} is missing, so the range "
            "still allows it",
            f"add {spec} (accord sync does)",
        )
    if verdict.conflict is not None:
        yield Finding("C011", "error", *where, f"{name}: {verdict.conflict}")
    if verdict.marker_problem is not None:
        central_marker = verdict.entry.requirement.marker or "none"
        yield Finding(
            "C005",
            "error",
            *where,
            f"{name}: {verdict.marker_problem}",
            f"use the global list's marker ({central_marker}) or narrow it by "
            "python_version only",
        )
    if verdict.minimum_problem is not None:
        yield Finding(
            "C006",
            "error",
            *where,
            f"{name}: {verdict.minimum_problem}",
            f"declare the lowest version the project works with, e.g. {name}>=X.Y",
        )
    yield from _minimum_above_pin(item, central)


def _minimum_above_pin(
    item: SourceRequirement, central: CentralRepo
) -> Iterator[Finding]:
    if central.constraints is None:
        return
    floor = minimum_of(item.requirement.specifier)
    if floor is None:
        return
    pins = central.constraints.pins_for(_canonical(item))
    marker = item.requirement.marker
    for pin in pins:
        if pin.version >= floor:
            continue
        applies = (pin.marker is None and marker is None) or any(
            evaluate(pin.marker, env) and evaluate(marker, env)
            for env in environments(central.config.python_versions)
        )
        if applies:
            yield Finding(
                "C007",
                central.config.minimum_above_pin,
                item.path,
                item.line,
                f"{item.requirement.name}: the minimum {floor} is above the pinned "
                f"{pin.version} ({central.constraints.path}:{pin.lineno}), so the "
                "project cannot install under the pins",
                "bump the pin first (accord constraints bump), or lower the minimum",
            )


def check_duplicates(source: RequirementSource) -> Iterator[Finding]:
    # The same library with other extras is not a duplicate: pip merges them.
    by_name: dict[tuple[NormalizedName, frozenset[str]], list[SourceRequirement]] = {}
    for item in source.requirements:
        extras = frozenset(canonicalize_name(e) for e in item.requirement.extras)
        by_name.setdefault((_canonical(item), extras), []).append(item)
    label = source.label
    for items in by_name.values():
        if len(items) < 2:
            continue
        # The first line of each distinct marker (by meaning); a later line
        # with an equivalent marker repeats it. Linear in the lines, not
        # quadratic: 20,000 identical lines are checked in milliseconds.
        firsts: list[SourceRequirement] = []
        reported: set[tuple[str, int]] = set()
        for item in items:
            first = next(
                (
                    f
                    for f in firsts
                    if markers_equivalent(f.requirement.marker, item.requirement.marker)
                ),
                None,
            )
            if first is None:
                firsts.append(item)
            elif (first.path, first.line) == (item.path, item.line):
                continue  # the same line reached twice through include-group
            elif (item.path, item.line) not in reported:
                reported.add((item.path, item.line))
                yield Finding(
                    "C008",
                    "error",
                    item.path,
                    item.line,
                    f"{item.requirement.name} is listed again in {label} "
                    f"(first at line {first.line})",
                    "merge the two lines",
                )


def _canonical(item: SourceRequirement) -> NormalizedName:
    return canonicalize_name(item.requirement.name)
