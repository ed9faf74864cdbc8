"""Run check or sync over every project in projects.txt, in parallel.

Each worker process loads the central repo once and then takes projects one
at a time; a missing or broken project is an outcome like any other and
never stops the rest.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from accord.central import CentralRepo, load_central_repo
from accord.cpus import usable_cpus
from accord.errors import AccordError
from accord.files import inside
from accord.findings import Finding

# Re-exported (they lived here before accord.members, which who-uses imports
# without the rest of the fleet).
from accord.members import MAX_ENTRY as MAX_ENTRY  # noqa: PLC0414
from accord.members import Member as Member  # noqa: PLC0414
from accord.members import fleet_members as fleet_members  # noqa: PLC0414
from accord.project import Project, load_project
from accord.rules.check import assess_project
from accord.sync.apply import write_updates
from accord.sync.plan import FileUpdate, plan_sync, planned_updates
from accord.writes import ConflictError, WriteError

T = TypeVar("T")
Mode = Literal["check", "sync"]
Status = Literal["ok", "failed", "missing", "broken", "conflict", "write-failed"]


@dataclass(frozen=True, slots=True)
class SyncOptions:
    write: bool = False
    prune: bool = False
    diff: bool = False  # keep each changed file's unified diff


@dataclass(frozen=True, slots=True)
class Outcome:
    member: Member
    status: Status
    sources: int
    findings: tuple[Finding, ...]
    changed_files: tuple[str, ...]  # files sync changed (or would change)
    message: str | None = None
    written: bool = False  # changed_files were written, not only planned
    diffs: tuple[str, ...] = ()  # with SyncOptions.diff: one per changed file

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


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
    work = functools.partial(process, mode=mode, options=options)
    return run_members(central_root, members, jobs, work, on_outcome)


def run_members(
    central_root: Path,
    members: Sequence[Member],
    jobs: int,
    work: Callable[[CentralRepo, Member], T],
    on_done: Callable[[T], None] = lambda result: None,
    central: CentralRepo | None = None,
) -> list[T]:
    """``work(central, member)`` for each member, in the order of ``members``.

    With ``jobs`` > 1, in that many worker processes, each loading the central
    repo once and dying with its parent; ``work`` must then pickle (a
    module-level function, or a partial of one). ``central``, if loaded
    already, serves the serial run.
    """
    # Worker processes do CPU-bound work: more than the CPUs only take turns
    # (each loading the central repo), so --jobs is capped at the CPUs.
    jobs = min(jobs, usable_cpus())
    if jobs <= 1 or len(members) <= 1:
        central = central or load_central_repo(central_root)
        results = []
        for member in members:
            result = work(central, member)
            on_done(result)
            results.append(result)
        return results
    chunk = max(1, min(32, len(members) // (jobs * 8)))
    batches = list(_batches(members, chunk))
    # A worker per batch at most: a fork start spawns every worker at once,
    # and --jobs 999999 would be that many processes.
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(batches)),
        initializer=_init_worker,
        initargs=(central_root, os.getpid()),
    ) as pool:
        futures: list[Future[list[T]]] = [
            pool.submit(_work, batch, work) for batch in batches
        ]
        found: list[T] = []
        for future in futures:
            for result in future.result():
                on_done(result)
                found.append(result)
        return found


def _batches(members: Sequence[Member], size: int) -> Iterator[Sequence[Member]]:
    for start in range(0, len(members), size):
        yield members[start : start + size]


_WORKER_CENTRAL: CentralRepo | None = None
_PARENT: int | None = None  # in a worker: the pid of the process that started it
_PR_SET_PDEATHSIG = 1


def _init_worker(central_root: Path, parent: int) -> None:
    global _WORKER_CENTRAL, _PARENT  # noqa: PLW0603 - one of each per worker
    _PARENT = parent
    _die_with_parent()
    _WORKER_CENTRAL = load_central_repo(central_root)


def _die_with_parent() -> None:
    """Have the kernel send this worker SIGTERM when its parent dies (Linux).

    SIGTERM, not SIGKILL: a worker in the middle of writing a project's files
    finishes that set (signals wait, see writes.signals_deferred) and then
    ends. Elsewhere, and as a second line, :func:`_parent_gone` is asked
    before every write.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if _parent_gone():  # died before prctl took effect
        os._exit(1)


def _parent_gone() -> bool:
    return _PARENT is not None and os.getppid() != _PARENT


def _work(batch: Sequence[Member], work: Callable[[CentralRepo, Member], T]) -> list[T]:
    assert _WORKER_CENTRAL is not None
    return [work(_WORKER_CENTRAL, member) for member in batch]


def process(
    central: CentralRepo, member: Member, mode: Mode, options: SyncOptions
) -> Outcome:
    try:
        if member.workspace is not None:
            inside(member.workspace, member.name, str(member.path))
        if not member.path.is_dir():
            return Outcome(
                member, "missing", 0, (), (), f"no directory at {member.path}"
            )
        project = load_project(member.path, central.config)
        written = False
        if mode == "check":
            findings, updates = check_with_updates(project, central, options.prune)
        else:
            plan = plan_sync(project, central, prune=options.prune)
            updates = plan.updates
            if options.write and not plan.blocked and plan.updates:
                if _parent_gone():  # nobody would hear of these writes
                    os._exit(1)
                try:
                    write_updates(member.path, plan.updates)
                except ConflictError:
                    raise  # a file changed under the sync: reported below
                except WriteError as error:  # read fine, but the disk said no
                    return Outcome(member, "write-failed", 0, (), (), str(error))
                written = True
            findings = plan.findings
        changed = tuple(update.path for update in updates)
    except ConflictError as error:
        return Outcome(member, "conflict", 0, (), (), str(error))
    except (AccordError, OSError) as error:
        return Outcome(member, "broken", 0, (), (), str(error))
    except Exception as error:
        message = (
            f"internal error: {type(error).__name__}: {error} (a bug in accord: "
            f"run `accord check {member.path} --verbose` for the traceback)"
        )
        return Outcome(member, "broken", 0, (), (), message)
    status: Status = "failed" if any(f.severity == "error" for f in findings) else "ok"
    diffs: tuple[str, ...] = ()
    if options.diff:
        from accord.textdiff import unified_diff

        diffs = tuple(
            unified_diff(f"{member.name}/{u.path}", u.old_text, u.new_text)
            for u in updates
        )
    return Outcome(
        member, status, len(project.sources), findings, changed, None, written, diffs
    )


def check_with_updates(
    project: Project, central: CentralRepo, prune: bool = False
) -> tuple[tuple[Finding, ...], tuple[FileUpdate, ...]]:
    """What ``accord check`` reports for a project, and the files sync would
    change (unverified, as check never writes).

    Check's own assessments carry each line's edit; only the files with one
    are spliced, to learn which edits really apply (as sync would). With
    ``prune`` (which check never asks for) sync is planned in full.
    """
    checked = assess_project(project, central)
    if prune:
        return checked.findings, plan_sync(
            project, central, prune, verify=False
        ).updates
    return checked.findings, planned_updates(project, checked.edits)
