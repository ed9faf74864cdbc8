"""Run check or sync over every project in projects.txt, in parallel.

Each worker process loads the central repo once and then takes projects one
at a time; a missing or broken project is an outcome like any other and
never stops the rest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.central import CentralRepo, load_central_repo
from accord.errors import AccordError, InputError
from accord.findings import Finding, sort_findings
from accord.project import load_project
from accord.rules.check import check_whole_project
from accord.sync.apply import write_updates
from accord.sync.plan import plan_sync

Mode = Literal["check", "sync"]
Status = Literal["ok", "failed", "missing", "broken"]


@dataclass(frozen=True, slots=True)
class Member:
    """A project of the fleet: its projects.txt entry and its directory."""

    name: str
    lineno: int
    path: Path


@dataclass(frozen=True, slots=True)
class SyncOptions:
    write: bool = False
    prune: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    member: Member
    status: Status
    sources: int
    findings: tuple[Finding, ...]
    changed_files: tuple[str, ...]  # files sync changed (or would change)
    message: str | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def fleet_members(central: CentralRepo, workspace: Path | None) -> list[Member]:
    if central.projects is None:
        raise InputError(
            "no projects.txt in the requirements repo, so there is no fleet",
            path=str(central.root),
        )
    base = workspace if workspace is not None else central.root.resolve().parent
    seen: set[str] = set()
    members = []
    for ref in central.projects.projects:
        if ref.name in seen:
            continue  # validate reports the duplicate (G013)
        seen.add(ref.name)
        members.append(Member(ref.name, ref.lineno, base / ref.name))
    return members


def parse_shard(text: str) -> tuple[int, int]:
    """``I/N`` (1-based) as a pair, or a ValueError saying what is expected."""
    index_text, _, count_text = text.partition("/")
    try:
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise ValueError(f"--shard {text!r}: expected I/N such as 2/4") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {text!r}: I must be between 1 and N")
    return index, count


def select_shard(members: Sequence[Member], shard: tuple[int, int]) -> list[Member]:
    """Every N-th member starting at the I-th: stable as long as the list is."""
    index, count = shard
    return [m for position, m in enumerate(members) if position % count == index - 1]


def run_fleet(
    central_root: Path,
    members: Sequence[Member],
    mode: Mode,
    jobs: int,
    options: SyncOptions,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Outcomes in the order of ``members``; ``on_outcome`` sees each as it ends."""
    if jobs <= 1 or len(members) <= 1:
        central = load_central_repo(central_root)
        outcomes = []
        for member in members:
            outcome = process(central, member, mode, options)
            on_outcome(outcome)
            outcomes.append(outcome)
        return outcomes
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_init_worker, initargs=(central_root,)
    ) as pool:
        chunk = max(1, min(32, len(members) // (jobs * 8)))
        futures: list[Future[list[Outcome]]] = [
            pool.submit(_work, batch, mode, options)
            for batch in _batches(members, chunk)
        ]
        results: list[Outcome] = []
        for future in futures:
            for outcome in future.result():
                on_outcome(outcome)
                results.append(outcome)
        return results


def _batches(members: Sequence[Member], size: int) -> Iterator[Sequence[Member]]:
    for start in range(0, len(members), size):
        yield members[start : start + size]


_WORKER_CENTRAL: CentralRepo | None = None


def _init_worker(central_root: Path) -> None:
    global _WORKER_CENTRAL  # noqa: PLW0603 - one central repo per worker process
    _WORKER_CENTRAL = load_central_repo(central_root)


def _work(batch: Sequence[Member], mode: Mode, options: SyncOptions) -> list[Outcome]:
    assert _WORKER_CENTRAL is not None
    return [process(_WORKER_CENTRAL, member, mode, options) for member in batch]


def process(
    central: CentralRepo, member: Member, mode: Mode, options: SyncOptions
) -> Outcome:
    if not member.path.is_dir():
        return Outcome(member, "missing", 0, (), (), f"no directory at {member.path}")
    try:
        project = load_project(member.path, central.config)
        plan = plan_sync(project, central, prune=options.prune, verify=mode == "sync")
        changed = tuple(update.path for update in plan.updates)
        if mode == "check":
            findings = tuple(
                sort_findings(
                    {*plan.check_findings, *check_whole_project(project, central)}
                )
            )
        else:
            if options.write and not plan.blocked:
                write_updates(member.path, plan.updates)
            findings = plan.findings
    except (AccordError, OSError) as error:
        return Outcome(member, "broken", 0, (), (), str(error))
    status: Status = "failed" if any(f.severity == "error" for f in findings) else "ok"
    return Outcome(member, status, len(project.sources), findings, changed)


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)
