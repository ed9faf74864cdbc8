"""Decide the first central files from what the fleet uses: pure functions.

From the fleet's uses (:mod:`accord.init.uses`) this module
decides, per library, the global-list lines (one per distinct marker), their
section, the caps and exclusions proposed centrally, which libraries go to
the denylist instead (linters and formatters), and which Pythons the repo
supports. Each choice a person should know of is a :class:`Note`: a
decision, or a point that needs review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.markers import Marker
from packaging.specifiers import Specifier
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.init.notes import Note
from accord.init.pythons import choose_pythons
from accord.init.survey import SurveyedProject
from accord.init.uses import Purpose, Use, collect_uses
from accord.model.markers import marker_key

SECTIONS: tuple[str, ...] = ("runtime", "test", "docs")
# Which use decides a library's section: a library in requirements.txt and
# in a docs extra is a runtime one; a "dev" group gathers the others.
_RANK: tuple[Purpose, ...] = ("runtime", "test", "docs", "lint", "dev")

# Linters and formatters: never pinned, not held to the contract.
LINTERS = frozenset(
    {
        "flake8", "hacking", "pylint", "ruff", "black", "isort", "mypy",
        "bandit", "doc8", "pre-commit", "autopep8", "pycodestyle", "pyflakes",
    }
)  # fmt: skip
_PYTHON_VARIABLES = frozenset({"python_version", "python_full_version"})
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_WORD = re.compile(r"[a-z_]+")
_KEYWORDS = frozenset({"and", "or", "in", "not"})


@dataclass(frozen=True, slots=True)
class DraftEntry:
    """One global-list line, before its licence is known."""

    name: NormalizedName
    extras: tuple[str, ...]
    specifiers: tuple[Specifier, ...]  # exclusions and caps only
    marker: Marker | None
    section: str
    rationale: tuple[str, ...]  # comment lines to write above it
    users: tuple[str, ...]  # projects using it

    @property
    def requirement(self) -> str:
        extras = f"[{','.join(self.extras)}]" if self.extras else ""
        specifiers = ",".join(str(s) for s in self.specifiers)
        marker = "" if self.marker is None else f";{self.marker}"
        return f"{self.name}{extras}{specifiers}{marker}"


@dataclass(frozen=True, slots=True)
class Draft:
    entries: tuple[DraftEntry, ...]
    denylist: tuple[NormalizedName, ...]
    pythons: tuple[str, ...]
    decisions: tuple[Note, ...]
    needs_review: tuple[Note, ...]


def draft(projects: Sequence[SurveyedProject]) -> Draft:
    uses, review = collect_uses(projects)
    decisions: list[Note] = []
    by_name: dict[NormalizedName, list[Use]] = {}
    for use in uses:
        if use.requirement.url is not None:
            review.append(
                Note(
                    "url",
                    use.requirement.name,
                    f"{use.where}: a URL requirement; not proposed for the global list",
                )
            )
            continue
        by_name.setdefault(canonicalize_name(use.requirement.name), []).append(use)
    entries: list[DraftEntry] = []
    denylist: list[NormalizedName] = []
    for name in sorted(by_name):
        named = by_name[name]
        if _is_linter(name):
            if all(use.purpose != "runtime" for use in named):
                denylist.append(name)
                continue
            decisions.append(
                Note(
                    "denylist",
                    name,
                    f"{name}: a linter used at runtime: kept in the list",
                )
            )
        groups, marker_notes = _marker_groups(named)
        review.extend(marker_notes)
        for group in groups:
            entry, notes = _entry(name, group)
            entries.append(entry)
            review.extend(notes)
    if any(_has_minimum(use) for use in uses):
        decisions.append(
            Note(
                "minimums",
                None,
                'no minimums in the global list (lower-bounds = "project"): '
                "each project keeps its own",
            )
        )
    if denylist:
        decisions.append(
            Note(
                "denylist",
                None,
                "linters and formatters go to denylist.txt, not the global list: "
                + ", ".join(denylist),
            )
        )
    decisions.extend(
        Note(
            "requirement-files",
            surveyed.entry,
            f"{surveyed.entry}: not read, as the contract's requirement-files do "
            f"not name them: {', '.join(surveyed.unread)} (add globs to "
            "requirement-files in accord.toml to hold them to the contract)",
        )
        for surveyed in projects
        if surveyed.unread
    )
    pythons, python_notes = choose_pythons(projects)
    decisions.extend(python_notes)
    entries.sort(key=lambda e: (SECTIONS.index(e.section), e.name))
    return Draft(
        tuple(entries), tuple(denylist), pythons, tuple(decisions), tuple(review)
    )


def _is_linter(name: str) -> bool:
    return name in LINTERS or name.startswith("flake8-")


def _has_minimum(use: Use) -> bool:
    return any(s.operator in (">=", ">") for s in use.requirement.specifier)


def python_only(marker: Marker | None) -> bool:
    """Whether ``marker`` says nothing but which Pythons (or nothing at all)."""
    if marker is None:
        return True
    words = set(_WORD.findall(_QUOTED.sub("", str(marker)))) - _KEYWORDS
    return words <= _PYTHON_VARIABLES


def _marker_groups(uses: Sequence[Use]) -> tuple[list[list[Use]], list[Note]]:
    """The uses of one library, one group per global-list line, and the
    uses whose markers the contract will not accept.

    When some project uses the library unmarked, one unmarked line covers
    every use: projects may narrow it by Python version, but a narrowing by
    platform contradicts it (C005) and is noted. Otherwise each marker gets
    a line, markers equal by meaning sharing one.
    """
    if any(use.requirement.marker is None for use in uses):
        notes = [
            Note(
                "marker",
                use.requirement.name,
                f"{use.where}: narrows {use.requirement.name} with "
                f"'{use.requirement.marker}' where other projects use it "
                "everywhere; the contract allows narrowing by Python version "
                "only",
            )
            for use in uses
            if not python_only(use.requirement.marker)
        ]
        return [list(uses)], notes
    groups: dict[tuple[bool, ...], list[Use]] = {}
    for use in uses:
        groups.setdefault(marker_key(use.requirement.marker), []).append(use)
    return list(groups.values()), []


def _entry(name: NormalizedName, uses: Sequence[Use]) -> tuple[DraftEntry, list[Note]]:
    notes: list[Note] = []
    markers = [use.requirement.marker for use in uses]
    marker = None if any(m is None for m in markers) else markers[0]
    extras = sorted({e for use in uses for e in use.requirement.extras})
    section = _section(min((use.purpose for use in uses), key=_RANK.index))
    caps: dict[str, list[tuple[Specifier, str]]] = {}
    exclusions: dict[str, tuple[Specifier, list[str]]] = {}
    for use in uses:
        for spec in use.requirement.specifier:
            central = central_specifier(spec)
            if central is None:
                if spec.operator in ("==", "==="):
                    notes.append(
                        Note(
                            "pin",
                            name,
                            f"{use.where}: pins {name}{spec} exactly; not proposed "
                            "centrally (the constraints file pins)",
                        )
                    )
                continue
            if central.operator == "!=":
                key = str(central)
                exclusions.setdefault(key, (central, []))[1].append(use.label)
            else:
                caps.setdefault(str(central), []).append((central, use.label))
    specifiers: list[Specifier] = []
    rationale: list[str] = []
    for key in sorted(exclusions, key=lambda k: _version_key(exclusions[k][0])):
        spec, projects = exclusions[key]
        specifiers.append(spec)
        rationale.append(
            f"TODO: why is {spec.version} excluded? (from {_names(projects)})"
        )
        notes.append(
            Note(
                "exclusion",
                name,
                f"{name}{spec} has no reason yet ({spec} from "
                f"{_names(projects)}): fill in the comment above it",
            )
        )
    if caps:
        cap, rationale_line, cap_notes = _strictest_cap(name, caps)
        specifiers.append(cap)
        rationale.append(rationale_line)
        notes.extend(cap_notes)
    users = tuple(dict.fromkeys(use.project for use in uses))
    entry = DraftEntry(
        name, tuple(extras), tuple(specifiers), marker, section, tuple(rationale), users
    )
    return entry, notes


def _strictest_cap(
    name: str, caps: dict[str, list[tuple[Specifier, str]]]
) -> tuple[Specifier, str, list[Note]]:
    """The lowest cap any project declares: the pins then honour every
    project's cap, so each stays installable under them."""
    ordered = sorted(
        (group[0][0] for group in caps.values()),
        key=lambda s: (_version_key(s), s.operator == "<="),
    )
    cap = ordered[0]
    origin = "; ".join(
        f"{spec} from {_names(project for _, project in caps[str(spec)])}"
        for spec in ordered
    )
    notes = [
        Note(
            "cap",
            name,
            f"{name}{cap} has no reason yet ({origin}): fill in the comment above it",
        )
    ]
    if len(ordered) > 1:
        notes.append(
            Note(
                "cap-conflict",
                name,
                f"projects cap {name} differently ({origin}); proposed the lowest, "
                f"{cap}: agree on one",
            )
        )
    return cap, f"TODO: why is this capped? ({origin})", notes


def central_specifier(spec: Specifier) -> Specifier | None:
    """The exclusion or cap a project's specifier asks of the global list.

    Minimums stay with the projects; ``~=1.4`` caps at ``<2`` and ``==1.4.*``
    at ``<1.5``; an exact ``==`` pin is not a central matter.
    """
    operator, version = spec.operator, spec.version
    if operator in ("<", "<=", "!="):
        return spec
    try:
        if operator == "~=":
            release = Version(version).release
            return Specifier(f"<{_bump(release[:-1])}") if len(release) > 1 else None
        if operator == "==" and version.endswith(".*"):
            release = Version(version.removesuffix(".*")).release
            return Specifier(f"<{_bump(release)}")
    except InvalidVersion:
        return None
    return None


def _bump(release: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in (*release[:-1], release[-1] + 1))


def _version_key(spec: Specifier) -> Version:
    try:
        return Version(spec.version.removesuffix(".*"))
    except InvalidVersion:
        return Version("0")


def _section(purpose: Purpose) -> str:
    return "test" if purpose in ("lint", "dev") else purpose


def _names(projects: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(projects))
