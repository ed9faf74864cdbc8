"""Rules for the central files (G*): each a pure function yielding findings.

``validate`` runs every rule and returns all findings; no rule stops another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import combinations

from packaging.specifiers import Specifier
from packaging.utils import canonicalize_name

from accord.central import CentralRepo
from accord.findings import Finding, sort_findings
from accord.licenses import LicenseAssessment, assess_license
from accord.model.global_list import GlobalEntry
from accord.model.markers import (
    hold_together,
    markers_equivalent,
    probe_pythons,
)
from accord.model.name_lists import entry_key
from accord.model.requirements_file import RequirementsFile
from accord.rules.formatting import check_formatting
from accord.rules.holds import (
    check_expired_holds,
    check_pins_outside_holds,
    check_unknown_names,
)
from accord.rules.pins_coverage import check_pins_allowed, check_unpinned_entries
from accord.rules.pins_file import (
    PIN_LINE,
    check_direct_references,
    check_global_list_not_empty,
    check_global_list_options,
    check_malformed_pins,
    check_pins_file_present,
    check_unread_denylist,
)
from accord.rules.swallowed import check_swallowed_central
from accord.rules.unmatched import (
    check_dead_pins,
    check_denylist_lines,
    check_local_versions,
)

Rule = Callable[[CentralRepo], Iterator[Finding]]

CAP_OPERATORS = frozenset({"<", "<=", "~=", "==", "==="})
MINIMUM_OPERATORS = frozenset({">=", ">", "~=", "==", "==="})


def check_unparseable_lines(repo: CentralRepo) -> Iterator[Finding]:
    """G001: a line that is not a requirement, comment, option or blank."""
    # Each file with the form its lines are written in.
    files: list[tuple[RequirementsFile, str]] = [(repo.global_list.file, _GLOBAL_LINE)]
    for name_list in (repo.denylist, repo.backports):
        if name_list is not None:
            files.append((name_list.file, _NAME_LINE))
    if repo.constraints is not None:
        files.append((repo.constraints.file, PIN_LINE))
    for file, fix in files:
        for line in file.invalid_lines():
            yield Finding("G001", "error", file.path, line.lineno, line.complaint, fix)


_GLOBAL_LINE = "write it as name[extras]specifier;marker  # Licence (PEP 508)"
_NAME_LINE = "write one library name a line (a PEP 508 name)"


def check_duplicate_entries(repo: CentralRepo) -> Iterator[Finding]:
    """G002: the same library (canonical name) with the same extras and the
    same marker twice. Other extras are not a duplicate, as C008 has it:
    pip and uv install ``foo[a]`` and ``foo[b]`` as foo with both, and
    OpenStack's duplicate check compares the extras too."""
    # validate reads every line, so the whole-file index, built once, is
    # cheaper than asking for each name's lines in turn.
    several = [item for item in repo.global_list.index.items() if len(item[1]) > 1]
    pythons = probe_pythons(repo.config.python_versions)
    for _, entries in sorted(several):  # most libraries have one line: no pair
        reported: set[int] = set()
        for first, second in combinations(entries, 2):
            if second.lineno in reported or _extras(first) != _extras(second):
                continue
            if markers_equivalent(
                first.requirement.marker, second.requirement.marker, pythons
            ):
                reported.add(second.lineno)
                yield Finding(
                    "G002",
                    "error",
                    repo.global_list.path,
                    second.lineno,
                    f"{second.requirement.name} is listed again (first at line "
                    f"{first.lineno}) with the same marker",
                    "merge the two lines into one entry",
                )


def _extras(entry: GlobalEntry) -> frozenset[str]:
    return frozenset(canonicalize_name(e) for e in entry.requirement.extras)


def check_licences(repo: CentralRepo) -> Iterator[Finding]:
    """G003 missing, G004 forbidden, G005 unrecognised licence."""
    path = repo.global_list.path
    # Each distinct licence text judged once: ~400 entries share ~20 texts.
    assessed: dict[str, LicenseAssessment] = {}
    for entry in repo.global_list.entries:
        name = entry.requirement.name
        if entry.licence is None:
            yield Finding(
                "G003",
                "error",
                path,
                entry.lineno,
                f"{name} has no licence comment",
                "end the line with '  # <licence>', e.g. '  # Apache-2.0'",
            )
            continue
        assessment = assessed.get(entry.licence)
        if assessment is None:
            assessment = assessed[entry.licence] = assess_license(
                entry.licence, repo.config.licenses
            )
        if assessment.verdict == "forbidden":
            yield Finding(
                "G004",
                "error",
                path,
                entry.lineno,
                f"{name}: {assessment.reason}",
                "remove the library or change the licence policy in accord.toml",
            )
        elif assessment.verdict == "review":
            yield Finding(
                "G005",
                "warning",
                path,
                entry.lineno,
                f"{name}: {assessment.reason}",
                "review the licence; map it with [licenses.aliases] in accord.toml",
            )


def check_uncommented_caps(repo: CentralRepo) -> Iterator[Finding]:
    """G006: a cap with no comment directly above saying why."""
    for entry in repo.global_list.entries:
        caps = [s for s in entry.requirement.specifier if s.operator in CAP_OPERATORS]
        if caps and not entry.rationale:
            shown = ",".join(sorted(str(s) for s in caps))
            yield Finding(
                "G006",
                "warning",
                repo.global_list.path,
                entry.lineno,
                f"{entry.requirement.name} is capped ({shown}) with no comment "
                "saying why",
                "add a comment line directly above with the reason and a link",
            )


def check_minimum_policy(repo: CentralRepo) -> Iterator[Finding]:
    """G007: minimums against the lower-bound policy."""
    policy = repo.config.lower_bounds
    for entry in repo.global_list.entries:
        minimums = [_ for _ in entry.requirement.specifier if _is_minimum(_)]
        name = entry.requirement.name
        if policy == "project" and minimums:
            shown = ",".join(sorted(str(s) for s in minimums))
            yield Finding(
                "G007",
                "error",
                repo.global_list.path,
                entry.lineno,
                f"{name} carries a minimum ({shown}), but under lower-bounds = "
                "'project' each project declares its own",
                f"remove {shown}, or set lower-bounds = 'central' in accord.toml",
            )
        elif policy == "central" and not minimums and entry.requirement.url is None:
            yield Finding(
                "G007",
                "error",
                repo.global_list.path,
                entry.lineno,
                f"{name} has no minimum version, but under lower-bounds = "
                "'central' the global list carries the minimums",
                f"add a minimum such as '{name}>=X.Y'",
            )


def _is_minimum(spec: Specifier) -> bool:
    return spec.operator in MINIMUM_OPERATORS


def check_denylisted_pins(repo: CentralRepo) -> Iterator[Finding]:
    """G010: a denylisted library that is pinned anyway."""
    if repo.constraints is None or repo.denylist is None:
        return
    denied = repo.denylist.names
    for pin in repo.constraints.pins:
        if pin.name in denied:
            yield Finding(
                "G010",
                "error",
                repo.constraints.path,
                pin.lineno,
                f"{pin.line.requirement.name} is in {repo.denylist.path} but pinned",
                f"remove the pin, or remove it from {repo.denylist.path}",
            )


def check_duplicate_pins(repo: CentralRepo) -> Iterator[Finding]:
    """G012: two pins for one library that apply to the same environment."""
    if repo.constraints is None:
        return
    several = [item for item in repo.constraints.index.items() if len(item[1]) > 1]
    pythons = probe_pythons(repo.config.python_versions)
    for _, pins in sorted(several):  # most libraries have one pin: no pair
        reported: set[int] = set()
        for first, second in combinations(pins, 2):
            if second.lineno in reported:
                continue
            # Each distinct marker is evaluated once in every environment: a
            # file pinning per Python gives many pairs of few markers
            # (OpenStack's 2019 file: 17,000 evaluations, pair by pair).
            if hold_together(first.marker, second.marker, pythons):
                reported.add(second.lineno)
                yield Finding(
                    "G012",
                    "error",
                    repo.constraints.path,
                    second.lineno,
                    f"{second.line.requirement.name} is pinned twice for the same "
                    f"Python (first at line {first.lineno})",
                    "keep one pin, or give each a python_version marker",
                )


def check_duplicate_projects(repo: CentralRepo) -> Iterator[Finding]:
    """G013: a project listed twice in projects.txt, however it is spelt
    (``catalog``, ``./catalog``, ``catalog/``): the fleet works on it once.
    Case is ignored too: an entry names a repository, and the hosts (GitHub,
    GitLab, OpenDev) take ``Org/Nova`` and ``org/nova`` for the same one."""
    if repo.projects is None:
        return
    seen: dict[str, int] = {}
    for project in repo.projects.projects:
        key = entry_key(project.name).casefold()
        if key in seen:
            yield Finding(
                "G013",
                "warning",
                repo.projects.path,
                project.lineno,
                f"{project.name} is listed again (first at line {seen[key]})",
                "remove the second line",
            )
        else:
            seen[key] = project.lineno


def check_stale_pins(
    repo: CentralRepo, reachable: frozenset[str] | None = None
) -> Iterator[Finding]:
    """G014: pins that resolving the global list no longer reaches.

    Knowing what is reachable needs a resolution; until a resolver supplies
    ``reachable`` this rule has nothing to say.
    """
    if repo.constraints is None or reachable is None:
        return
    for pin in repo.constraints.pins:
        if pin.name not in reachable:
            yield Finding(
                "G014",
                "warning",
                repo.constraints.path,
                pin.lineno,
                f"{pin.line.requirement.name} is pinned but nothing in the global "
                "list needs it any more",
                "remove the pin",
            )


RULES: tuple[Rule, ...] = (
    check_unparseable_lines,
    check_duplicate_entries,
    check_licences,
    check_uncommented_caps,
    check_minimum_policy,
    check_pins_allowed,
    check_unpinned_entries,
    check_direct_references,
    check_denylisted_pins,
    check_malformed_pins,
    check_pins_file_present,
    check_global_list_not_empty,
    check_global_list_options,
    check_unread_denylist,
    check_duplicate_pins,
    check_duplicate_projects,
    check_stale_pins,
    check_expired_holds,
    check_pins_outside_holds,
    check_unknown_names,
    check_formatting,
    check_local_versions,
    check_denylist_lines,
    check_dead_pins,
    check_swallowed_central,
)


def validate(repo: CentralRepo, rules: Iterable[Rule] = RULES) -> list[Finding]:
    """Every finding of every rule about the central files, in a stable order."""
    return sort_findings(finding for rule in rules for finding in rule(repo))
