"""`accord cross-test`: each affected project's tests under the old and the
new pins, and what the difference says.

This is the one place accord runs project code (the project's own tests,
and its build when it is installed), because that is what was asked for.
Environments and processes are behind the :class:`Environments` protocol
(see :mod:`accord.affected.uv_env`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from packaging.utils import canonicalize_name

from accord.affected.find import find_affected, read_change, read_fleet
from accord.affected.graph import GraphSource
from accord.affected.testcommand import find_test_command
from accord.errors import InputError
from accord.members import Member
from accord.model.sources import SourceRequirement

Verdict = Literal["passes", "fails-both", "regression", "fixed"]
_TAIL_LINES = 30


@dataclass(frozen=True, slots=True)
class EnvSpec:
    """What goes into one environment: the pins and the project's needs."""

    project: Path
    name: str  # the project's own name: its pin is left out
    constraints: str
    requirements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Run:
    """One side (old or new pins): installed and tested, or not."""

    passed: bool
    stage: Literal["install", "test"]
    seconds: float
    output: str  # the tail

    def as_json(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "stage": self.stage,
            "seconds": round(self.seconds, 2),
            "tail": self.output,
        }


class Environments(Protocol):
    def python_version(self) -> str: ...

    def run(self, spec: EnvSpec, command: Sequence[str], timeout: float) -> Run: ...


@dataclass(frozen=True, slots=True)
class Result:
    project: str
    command: tuple[str, ...]
    old: Run
    new: Run

    @property
    def verdict(self) -> Verdict:
        if self.old.passed:
            return "passes" if self.new.passed else "regression"
        return "fixed" if self.new.passed else "fails-both"


@dataclass(frozen=True, slots=True)
class CrossTestReport:
    base: str
    python: str
    results: tuple[Result, ...]

    @property
    def regressions(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.verdict == "regression")


def tail(text: str, lines: int = _TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def without_own_pin(constraints: str, name: str) -> str:
    """The pins minus the project's own (it is installed from its checkout)."""
    own = canonicalize_name(name)
    kept = []
    for line in constraints.splitlines():
        word = line.split("#", 1)[0].split(";", 1)[0]
        for separator in ("===", "==", "<", ">", "!", "~", "["):
            word = word.split(separator, 1)[0]
        if word.strip() and canonicalize_name(word.strip()) == own:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def cross_test_fleet(
    root: Path,
    base: str | None,
    names: Sequence[str],
    workspace: Path | None,
    source: GraphSource,
    environments: Environments,
    timeout: float,
    jobs: int,
) -> CrossTestReport:
    """Test the named projects (else every affected one) on the
    environments' Python under the base's pins and the work tree's."""
    python = environments.python_version()
    change = read_change(root, base)
    fleet, _ = read_fleet(change.after, workspace)
    if names:
        chosen = _named(fleet, names)
    else:
        report = find_affected(root, base, [python], source, workspace, jobs)
        affected = {a.project for a in report.projects}
        chosen = [(m, r) for m, r in fleet if m.name in affected]
    # The pins as the change read them (in their encoding, a bad byte bad
    # input at its line), not read again: uv gets them without the BOM.
    old, new = (
        "" if pins is None else pins.text.removeprefix("\ufeff")
        for pins in (change.before.constraints, change.after.constraints)
    )

    def one(item: tuple[Member, tuple[SourceRequirement, ...]]) -> Result:
        member, requirements = item
        command = find_test_command(member.path)
        texts = tuple(r.text for r in requirements)
        own = member.name.rstrip("/").rsplit("/", 1)[-1]

        def spec(pins: str) -> EnvSpec:
            return EnvSpec(member.path, own, without_own_pin(pins, own), texts)

        before = environments.run(spec(old), command, timeout)
        after = environments.run(spec(new), command, timeout)
        return Result(member.name, command, before, after)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = tuple(pool.map(one, chosen))
    return CrossTestReport(change.base, python, results)


def _named(
    fleet: Sequence[tuple[Member, tuple[SourceRequirement, ...]]],
    names: Sequence[str],
) -> list[tuple[Member, tuple[SourceRequirement, ...]]]:
    chosen = []
    for name in names:
        found = [
            item
            for item in fleet
            if name in (item[0].name, item[0].name.rstrip("/").rsplit("/", 1)[-1])
        ]
        if not found:
            raise InputError(
                f"{name!r} is not a readable project of projects.txt",
                hint="name a projects.txt entry",
            )
        chosen += [item for item in found if item not in chosen]
    return chosen


_SAY: dict[Verdict, str] = {
    "passes": "passes on both",
    "fails-both": "fails on both (not caused by this change)",
    "regression": "REGRESSES with the new pins",
    "fixed": "fixed by the new pins",
}


def render_table(report: CrossTestReport) -> str:
    lines = [f"cross-test on Python {report.python}, old pins from {report.base}:"]
    for result in report.results:
        old, new = result.old, result.new
        lines.append(
            f"{result.project}: {_SAY[result.verdict]} "
            f"(old {old.seconds:.1f}s, new {new.seconds:.1f}s)"
        )
        if result.verdict in ("regression", "fails-both"):
            failed = new if result.verdict == "regression" else old
            lines.append(f"  {failed.stage} output, last lines:")
            lines += [f"    {line}" for line in failed.output.splitlines()]
    if not report.results:
        lines.append("no project to test")
    count = len(report.regressions)
    lines.append(f"{len(report.results)} project(s) tested, {count} regression(s)")
    return "\n".join(lines)


def render_json(report: CrossTestReport) -> str:
    return json.dumps(
        {
            "schema": 1,
            "command": "cross-test",
            "base": report.base,
            "python": report.python,
            "results": [
                {
                    "project": r.project,
                    "verdict": r.verdict,
                    "command": list(r.command),
                    "old": r.old.as_json(),
                    "new": r.new.as_json(),
                }
                for r in report.results
            ],
        },
        indent=2,
    )
