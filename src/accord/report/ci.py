"""Findings for CI systems: GitHub annotations, SARIF and JUnit XML.

Every command that reports findings hands them here as one or more
:class:`FindingSet` (one for ``check``, one per project for ``fleet``), each
knowing the directory its finding paths are relative to. CI systems place an
annotation by a path relative to the checkout, which is where CI runs accord;
so paths are rewritten relative to the current directory.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Literal

from accord.findings import Finding

if TYPE_CHECKING:
    from accord.fleet import Outcome

CiFormat = Literal["github", "sarif", "junit"]
CI_FORMATS: tuple[CiFormat, ...] = ("github", "sarif", "junit")


@dataclass(frozen=True, slots=True)
class FindingSet:
    """The findings of one run of a command on one target.

    ``root`` is the directory the findings' paths are relative to (``None``:
    leave them as they are). ``problem`` says why the run could not happen
    at all (a fleet project that is missing or broken).
    """

    name: str
    findings: tuple[Finding, ...]
    root: Path | None = None
    problem: str | None = None

    def located(self, finding: Finding) -> str:
        """The finding's path relative to the current directory, with ``/``."""
        return locate(self.root, finding.path)


def locate(root: Path | None, path: str) -> str:
    if root is None:
        return path
    target = root / path
    try:
        relative = os.path.relpath(target, Path.cwd())
    except ValueError:  # another drive (Windows): no relative path exists
        relative = str(target.resolve())
    return PurePath(relative).as_posix()


def render_ci(output_format: CiFormat, command: str, sets: Sequence[FindingSet]) -> str:
    """The findings of ``sets`` in ``output_format``, as the text to print."""
    if output_format == "github":
        from accord.report.github import render_github

        return render_github(sets)
    if output_format == "sarif":
        from accord.report.sarif import render_sarif

        return render_sarif(command, sets)
    from accord.report.junit import render_junit

    return render_junit(command, sets)


def ci_format(output_format: str) -> CiFormat:
    """``output_format`` as a CI format; a ValueError if it is not one."""
    for known in CI_FORMATS:
        if output_format == known:
            return known
    raise ValueError(f"{output_format!r} is not one of {', '.join(CI_FORMATS)}")


def fleet_sets(mode: str, outcomes: Sequence[Outcome]) -> list[FindingSet]:
    """One finding set per project of a fleet run."""
    return [
        FindingSet(
            f"fleet {mode} {outcome.member.name}",
            outcome.findings,
            outcome.member.path,
            None
            if outcome.status in ("ok", "failed")
            else f"{outcome.status}: {outcome.message or 'not checked'}",
        )
        for outcome in outcomes
    ]
