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
    from accord.sync.plan import Change

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


def fleet_sets(
    mode: str,
    outcomes: Sequence[Outcome],
    written: bool = False,
    check_only: bool = False,
) -> list[FindingSet]:
    """One finding set per project of a fleet run (with, for sync, each file
    it changed or would change)."""
    return [
        FindingSet(
            f"fleet {mode} {outcome.member.name}",
            (
                *outcome.findings,
                *changed_file_findings(outcome.changed_files, written, check_only),
            )
            if mode == "sync"
            else outcome.findings,
            outcome.member.path,
            None
            if outcome.status in ("ok", "failed")
            else f"{outcome.status}: {outcome.message or 'not checked'}",
        )
        for outcome in outcomes
    ]


def sync_findings(
    changes: Sequence[Change], written: bool, check_only: bool
) -> list[Finding]:
    """What sync rewrote (or would rewrite), as S001 findings at each line, so
    a CI view shows it: an error under ``--check``, which fails on it."""
    findings = []
    severity: Literal["error", "warning"] = "error" if check_only else "warning"
    fix = None if written else "run accord sync on the project"
    verb = "rewrote" if written else "would rewrite"
    for change in changes:
        if change.new is None:
            message = f"sync {'removed' if written else 'would remove'} {change.old}"
        elif change.new != change.old:
            message = f"sync {verb} {change.old} as {change.new}"
        else:
            message = ""
        if change.licence is not None:
            old, new = change.licence
            message = "; ".join(
                part
                for part in (message, f"sync {verb} licence {old} as {new}")
                if part
            )
        findings.append(
            Finding("S001", severity, change.path, change.line, message, fix)
        )
    return findings


def changed_file_findings(
    changed: Sequence[str], written: bool, check_only: bool
) -> list[Finding]:
    """A fleet sync knows the files it changed, not the lines: S001 per file."""
    severity: Literal["error", "warning"] = "error" if check_only else "warning"
    message = "sync rewrote this file" if written else "sync would rewrite this file"
    fix = None if written else "run accord sync on the project"
    return [Finding("S001", severity, path, None, message, fix) for path in changed]
