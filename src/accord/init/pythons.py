"""Which Pythons the new requirements repo supports: pure.

Each project's Pythons are its ``Programming Language :: Python :: 3.X``
classifiers (within its ``requires-python``, if it has both), else the
known Pythons its ``requires-python`` allows. The repo supports the
**union** of them: every Python some project runs its CI on gets pins, so
every project can install with ``-c upper-constraints.txt`` on each of its
Pythons. (The intersection would leave a project's other Pythons with no
tested pins at all.) A library that does not install on one of those
Pythons then shows as a failed generation, to be marked there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from accord.config import DEFAULT_CONFIG
from accord.init.notes import Note

if TYPE_CHECKING:
    from accord.init.survey import PythonDeclaration, SurveyedProject

# The Pythons a requirements repo may target (uv resolves for each). An
# open-ended requires-python (">=3.10") reaches up to the newest of them.
KNOWN_PYTHONS: tuple[str, ...] = tuple(f"3.{minor}" for minor in range(8, 15))


def project_pythons(declaration: PythonDeclaration) -> tuple[str, ...]:
    """The known Pythons one project declares."""
    allowed = declaration.requires_python
    if declaration.classifiers:
        candidates = [v for v in declaration.classifiers if v in KNOWN_PYTHONS]
    else:
        candidates = list(KNOWN_PYTHONS)
    if allowed is None:
        return tuple(candidates)
    # "3.10" stands for every 3.10.x: ">=3.10.2" still allows it.
    return tuple(
        version
        for version in candidates
        if allowed.contains(f"{version}.0", prereleases=True)
        or allowed.contains(f"{version}.99", prereleases=True)
    )


def choose_pythons(
    projects: Sequence[SurveyedProject],
) -> tuple[tuple[str, ...], list[Note]]:
    chosen: set[str] = set()
    said: list[str] = []
    notes: list[Note] = []
    for surveyed in projects:
        declaration = surveyed.pythons
        if declaration is None:
            continue
        versions = project_pythons(declaration)
        unknown = [v for v in declaration.classifiers if v not in KNOWN_PYTHONS]
        if unknown:
            notes.append(
                Note(
                    "pythons",
                    surveyed.entry,
                    f"{surveyed.entry}: classifiers name Pythons accord does not "
                    f"target ({', '.join(unknown)}): left out",
                )
            )
        chosen.update(versions)
        said.append(f"{surveyed.entry} {_span(versions)} ({declaration.where})")
    if not chosen:
        default = DEFAULT_CONFIG.python_versions
        notes.append(
            Note(
                "pythons",
                None,
                "no project declares its Pythons: python-versions is accord's "
                f"default, {_span(default)}",
            )
        )
        return default, notes
    pythons = tuple(sorted(chosen, key=_order))
    notes.append(
        Note(
            "pythons",
            None,
            f"python-versions {_span(pythons)}: the union of what the projects "
            f"declare ({'; '.join(said)}), so every project's Pythons get pins",
        )
    )
    return pythons, notes


def _order(version: str) -> Version:
    try:
        return Version(version)
    except InvalidVersion:  # pragma: no cover - KNOWN_PYTHONS are versions
        return Version("0")


def _span(versions: Sequence[str]) -> str:
    if not versions:
        return "none"
    return ", ".join(versions)
