"""Every requirement the fleet declares, with what it is for: pure.

A requirement's purpose comes from its source: ``[project] dependencies``
and ``install_requires`` are runtime; a requirements file or an extra or
dependency group is named for what it holds (``test-requirements.txt``,
``doc/requirements.txt``, a ``docs`` extra, a ``lint`` group); anything
else (``requirements.txt``, an extra naming a feature) is runtime.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from packaging.requirements import Requirement

from accord.init.notes import Note
from accord.init.survey import SurveyedProject
from accord.licenses import normalize_license
from accord.model.requirements_file import (
    CommentLine,
    RequirementLine,
    parse_requirements_file,
)
from accord.model.sources import RequirementSource

Purpose = Literal["runtime", "test", "docs", "lint", "dev"]
_WORDS: tuple[tuple[Purpose, frozenset[str]], ...] = (
    ("docs", frozenset({"doc", "docs", "documentation", "sphinx", "api-ref"})),
    ("lint", frozenset({"lint", "linters", "linting", "style", "pep8", "flake8"})),
    (
        "test",
        frozenset({"test", "tests", "testing", "check", "functional", "ci"}),
    ),
    ("dev", frozenset({"dev", "develop", "development", "all"})),
)


@dataclass(frozen=True, slots=True)
class Use:
    """One requirement a project declares, and what for."""

    project: str
    where: str  # "entry/file:line"
    requirement: Requirement
    purpose: Purpose
    reason: str | None = None  # the comment on or above its line, if any

    @property
    def label(self) -> str:
        """The project, with the reason it gives: ``alpha ("the old API")``."""
        return (
            self.project if self.reason is None else f'{self.project} ("{self.reason}")'
        )


def purpose_of(source: RequirementSource) -> Purpose:
    """What a source's requirements are for, from its file or group name."""
    if source.kind in ("project.dependencies", "setup.cfg install_requires"):
        return "runtime"
    if source.kind == "requirements":
        words = set(re.split(r"[^a-z0-9]+", source.path.lower()))
    elif source.group is not None:
        words = set(re.split(r"[^a-z0-9]+", source.group.lower()))
    else:
        return "runtime"
    for purpose, known in _WORDS:
        if words & known:
            return purpose
    return "runtime"  # requirements.txt, or an extra naming a feature


def collect_uses(projects: Sequence[SurveyedProject]) -> tuple[list[Use], list[Note]]:
    """Every requirement of every project, and what could not be read."""
    uses: list[Use] = []
    review: list[Note] = []
    for surveyed in projects:
        entry = surveyed.entry
        for problem in surveyed.project.problems:
            review.append(_unread(entry, problem.path, problem.line, problem.message))
        for source in surveyed.project.sources:
            purpose = purpose_of(source)
            reasons = (
                line_comments(surveyed.project.text_of(source.path), source.path)
                if source.kind == "requirements"
                else {}
            )
            for problem in source.problems:
                review.append(
                    _unread(entry, problem.path, problem.line, problem.message)
                )
            for item in source.requirements:
                where = f"{entry}/{item.path}:{item.line}"
                reason = reasons.get(item.line)
                uses.append(Use(entry, where, item.requirement, purpose, reason))
    return uses, review


def line_comments(text: str, path: str) -> dict[int, str]:
    """The comment of each requirement line of a requirements file: the
    comment lines directly above it, then the one after it on the line
    (unless that names a licence)."""
    comments: dict[int, str] = {}
    above: list[str] = []
    header = True  # the comment block that opens a file is about the file
    for line in parse_requirements_file(text, path).lines:
        if isinstance(line, CommentLine):
            if not header:
                above.append(line.comment.strip())
            continue
        header = False
        if isinstance(line, RequirementLine):
            after = (line.comment or "").strip()
            if _names_licence(after):
                after = ""  # a licence note, as in the global list
            words = [*above, after]
            said = " ".join(word.replace('"', "'") for word in words if word)
            if said:
                comments[line.lineno] = said
        above = []
    return comments


def _unread(entry: str, path: str, line: int | None, message: str) -> Note:
    where = f"{entry}/{path}" + ("" if line is None else f":{line}")
    return Note("unreadable", entry, f"{where}: not read: {message}")


def _names_licence(text: str) -> bool:
    try:
        return bool(text) and normalize_license(text) is not None
    except ValueError:  # text that only looks like an SPDX expression
        return False
