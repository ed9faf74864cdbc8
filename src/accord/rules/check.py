"""Rules for a consuming project against the central files (C*).

``check_project`` reads nothing: it takes a loaded project and the central
repo and returns every finding, each at the file and line of the requirement.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Iterator
from typing import NamedTuple

from packaging.markers import Marker
from packaging.utils import NormalizedName

from accord.central import CentralRepo
from accord.findings import Finding, sort_findings
from accord.model.sources import RequirementSource, SourceRequirement
from accord.project import Project
from accord.rules._memo import MemoKey, verdict_memo
from accord.rules.build_backend import check_build_backend
from accord.rules.contract import (
    Judgement,
    entries_with_extras,
    judge,
    same_specifiers,
    select_entries,
)
from accord.rules.duplicates import (
    canonical_name,
    check_duplicates,
    marker_collisions,
    other_extras,
)
from accord.rules.edits import (
    LineKey,
    licence_edit,
    line_comments,
    render_requirement_text,
)
from accord.rules.pip_options import check_pip_options
from accord.rules.swallowed import check_swallowed_project
from accord.rules.tox_constraints import check_tox_constraints
from accord.rules.unlisted import unlisted, unreadable_pins
from accord.rules.verdict_findings import verdict_findings

# What sync fixes by rewriting the line: each of these at a line means sync
# changes that line (unless a blocking finding below is there too); under
# lower-bounds = "central" sync also writes in the central minimum (C006).
FIXED_BY_SYNC = frozenset({"C003", "C004", "C005", "C017"})
# A line with one of these is left as it is: sync cannot decide the fix.
BLOCKS_SYNC = frozenset({"C011", "C014"})


class Assessment(NamedTuple):
    """One requirement weighed against the global list, for check and sync."""

    findings: tuple[Finding, ...]
    listed: bool  # False: the global list does not have it
    judgement: Judgement | None  # None unless compared with one central entry
    new_text: str | None = None  # the requirement sync writes; None: as it is
    licence: tuple[str, str] | None = None  # (old, new) licence comment text
    fixes: frozenset[str] = frozenset()  # the rules of findings the edit resolves


class ProjectCheck(NamedTuple):
    """What check reports for a project, and the files sync would edit."""

    findings: tuple[Finding, ...]
    # The lines sync rewrites, each with its assessment (sync splices them).
    edits: tuple[tuple[SourceRequirement, Assessment], ...]


def check_project(project: Project, central: CentralRepo) -> list[Finding]:
    return list(assess_project(project, central).findings)


def assess_project(project: Project, central: CentralRepo) -> ProjectCheck:
    findings: set[Finding] = set()
    for problem in project.problems:
        findings.add(
            Finding(
                "C001",
                "error",
                problem.path,
                problem.line,
                problem.message,
                problem.fix,
            )
        )
    comments = line_comments(project.sources, dict(project.texts))
    memo = verdict_memo(central)
    edits: list[tuple[SourceRequirement, Assessment]] = []
    for source in project.sources:
        findings.update(_check_source(source, central, comments, memo, edits))
    findings.update(check_whole_project(project, central))
    return ProjectCheck(tuple(sort_findings(findings)), tuple(edits))


def check_whole_project(project: Project, central: CentralRepo) -> Iterator[Finding]:
    """The rules about the project rather than its requirement lines: every
    command that checks a project (check, fleet check) runs these too."""
    yield from check_build_backend(project, central.config.required_build_backend)
    yield from check_tox_constraints(project)
    yield from check_pip_options(project)
    yield from check_swallowed_project(project)
    if not project.sources:
        yield no_sources_finding()


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
    source: RequirementSource,
    central: CentralRepo,
    comments: dict[LineKey, str],
    memo: dict[MemoKey, Assessment],
    edits: list[tuple[SourceRequirement, Assessment]],
) -> Iterator[Finding]:
    for problem in source.problems:
        yield Finding(
            "C001", "error", problem.path, problem.line, problem.message, problem.fix
        )
    yield from check_duplicates(source)
    if source.checkouts:  # rare: its module is loaded only then
        from accord.rules.checkouts import check_checkouts

        yield from check_checkouts(source, central)
    for item, known, findings in judge_source(source, central, comments, memo):
        yield from findings
        if known.new_text is not None or known.licence is not None:
            edits.append((item, known))


def judge_source(
    source: RequirementSource,
    central: CentralRepo,
    comments: dict[LineKey, str],
    memo: dict[MemoKey, Assessment],
) -> list[tuple[SourceRequirement, Assessment, tuple[Finding, ...]]]:
    """Each requirement of ``source`` judged (see :func:`judge_line`), and
    no two of them given markers that would list a library twice (C008):
    of two lines sync would set to one marker, the later keeps its own."""
    judged = []
    moves: dict[int, Marker | None] = {}
    for index, item in enumerate(source.requirements):
        comment = comments.get((item.path, item.line))
        known, findings = judge_line(item, central, comment, memo)
        judged.append((item, known, findings))
        verdict = known.judgement
        if (
            known.new_text is not None
            and verdict is not None
            and verdict.marker_changed
        ):
            moves[index] = verdict.target_marker
    if moves:
        collisions = marker_collisions(source.requirements, moves)
        for index, partner in collisions.items():
            judged[index] = _marker_kept(*judged[index], partner)
    return judged


def _marker_kept(
    item: SourceRequirement,
    known: Assessment,
    findings: tuple[Finding, ...],
    partner: SourceRequirement,
) -> tuple[SourceRequirement, Assessment, tuple[Finding, ...]]:
    """``known`` of a line whose marker sync leaves, since the marker it
    would set is ``partner``'s (or sync sets it there): its specifiers are
    still fixed, and C005 says to merge the two lines."""
    assert known.judgement is not None
    verdict = known.judgement._replace(marker_changed=False)
    new_text = _new_text(item, verdict)
    name = item.requirement.name
    other = f"line {partner.line}"
    if (partner.path, partner.line) == (item.path, item.line):
        other = f"the other {partner.requirement.name} entry on this line"
    fix = (
        f"merge it with {other}, which has the global list's marker "
        f"once synced (sync leaves this line's marker: with the global list's, "
        f"{name} would be listed twice)"
    )
    findings = tuple(f._replace(fix=fix) if f.rule == "C005" else f for f in findings)
    fixes = known.fixes - {"C005"} if new_text is not None else known.fixes & {"C017"}
    kept = known._replace(
        findings=findings,
        judgement=verdict,
        new_text=new_text,
        fixes=frozenset(fixes),
    )
    return item, kept, findings


def judge_line(
    item: SourceRequirement,
    central: CentralRepo,
    comment: str | None,
    memo: dict[MemoKey, Assessment],
) -> tuple[Assessment, tuple[Finding, ...]]:
    """The shared assessment of the item's text and the findings at its line.

    The assessment's findings are at the first line judged; its edit (text,
    licence, fixes) holds for every line with the same text, so check and
    sync use it as it is rather than build one per line.
    """
    known = memo.get((item.text, comment, item.hashed))
    if known is None:
        known = memo[(item.text, comment, item.hashed)] = _assess(
            item, central, comment
        )
        return known, known.findings
    return known, _moved(known.findings, item)


def check_requirement(
    item: SourceRequirement, central: CentralRepo, comment: str | None = None
) -> Iterator[Finding]:
    return iter(assess_requirement(item, central, comment).findings)


def assess_requirement(
    item: SourceRequirement,
    central: CentralRepo,
    comment: str | None = None,
    memo: dict[MemoKey, Assessment] | None = None,
) -> Assessment:
    """Findings and sync's edit of one requirement, from one judgement.

    ``comment`` is the trailing comment of the item's line when the item
    stands alone on it (where a licence comment may be corrected). ``memo``
    (see :func:`accord.rules._memo.verdict_memo`) lets a line written many
    times be judged once, its findings moved to each place.
    """
    if memo is None:
        return _assess(item, central, comment)
    key = (item.text, comment, item.hashed)
    known = memo.get(key)
    if known is None:
        known = memo[key] = _assess(item, central, comment)
        return known
    return Assessment(
        _moved(known.findings, item),
        known.listed,
        known.judgement,
        known.new_text,
        known.licence,
        known.fixes,
    )


def _moved(
    findings: tuple[Finding, ...], item: SourceRequirement
) -> tuple[Finding, ...]:
    """``findings`` of another line with the same text, at ``item``'s line."""
    path, line = item.path, item.line
    return tuple([Finding(f.rule, f.severity, path, line, f.message, f.fix)
                  for f in findings])  # fmt: skip


def _assess(
    item: SourceRequirement, central: CentralRepo, comment: str | None
) -> Assessment:
    requirement = item.requirement
    name = requirement.name
    canonical = _canonical(item)
    if central.denylist is not None and central.denylist.has(canonical):
        return Assessment((), True, None)
    entries = central.global_list.entries_for(canonical)
    where = (item.path, item.line)
    if not entries or central.global_list.unreadable_for(canonical):
        finding, named = unlisted(name, where, central)
        return Assessment((finding,), named, None)
    listed = entries_with_extras(requirement, entries)
    if not listed:
        return Assessment((other_extras(item, entries),), True, None)
    entries = listed
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
    verdict = judge(
        requirement,
        entry,
        entries,
        central.config.lower_bounds,
        backport,
        hashed=item.hashed,
        supported=central.config.python_versions,
    )
    findings = list(verdict_findings(item, verdict, central))
    findings += unreadable_pins(canonical, where, central)
    licence = licence_edit(comment, entry.licence, central.config.licenses.aliases)
    if licence is not None:
        findings.append(
            Finding(
                "C017",
                "warning",
                *where,
                f"{name}: the licence comment says {licence[0]!r}, which is not "
                f"the global list's {entry.licence!r}",
                f"write {licence[1]!r} (accord sync does)",
            )
        )
    new_text = _new_text(item, verdict)
    fixes = {"C017"} if licence is not None else set()
    if new_text is not None:
        fixes |= {"C003", "C004"}
        if verdict.marker_problem is None or verdict.marker_changed:
            fixes.add("C005")
        if central.config.lower_bounds == "central":
            fixes.add("C006")  # the central minimum is written in
    return Assessment(
        tuple(findings), True, verdict, new_text, licence, frozenset(fixes)
    )


def _new_text(item: SourceRequirement, verdict: Judgement) -> str | None:
    """The requirement text sync writes, or None to leave the line as it is."""
    if not verdict.rewritable or verdict.entry is None:
        return None
    unchanged = same_specifiers(verdict.target_specifiers, item.requirement.specifier)
    if unchanged and not verdict.marker_changed:
        return None
    return render_requirement_text(
        item.text,
        ",".join(str(s) for s in verdict.target_specifiers),
        verdict.marker_text or verdict.entry.line.marker_text,
        keep_marker=not verdict.marker_changed,
    )


def _canonical(item: SourceRequirement) -> NormalizedName:
    return canonical_name(item.requirement.name)
