"""Propose sync changes to every consuming repository, through git.

For each project: a cached clone under the workdir (fetched, never
re-cloned), its target branch checked out clean, sync applied, and, when
something changed, one commit on a topic branch with a stable Change-Id.
With ``push`` the topic branch replaces the remote one only if its content
differs (force-with-lease); an identical proposal is left alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from accord.central import CentralRepo
from accord.errors import AccordError, InputError
from accord.project import load_project
from accord.sync.apply import write_updates
from accord.sync.plan import Change, SyncPlan, plan_sync
from accord.textdiff import unified_diff
from accord.vcs import remote as git

Status = Literal["new", "updated", "unchanged", "none", "failed"]
SUBJECT = "Updated from global requirements"
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class ProposeOptions:
    workdir: Path
    git_base: str | None = None
    branch: str | None = None
    topic: str = "accord/sync"
    push: bool = False
    push_url: str | None = None  # a pattern with {name}, e.g. ssh://review/{name}
    change_id: bool = False


@dataclass(frozen=True, slots=True)
class Proposal:
    project: str
    status: Status
    branch: str | None = None  # the target branch
    files: tuple[str, ...] = ()
    diff: str = ""
    commit: str | None = None
    message: str | None = None  # why it failed


def check_options(options: ProposeOptions) -> None:
    """Refuse hostile or malformed names before touching any repository."""
    for label, value in (("--topic", options.topic), ("--branch", options.branch)):
        if value is not None and not git.valid_branch(value):
            raise InputError(f"{label} {value!r} is not a valid branch name")


def project_url(entry: str, git_base: str | None) -> str:
    if "://" in entry or entry.startswith(("git@", "/")):
        return entry
    if git_base is None:
        raise InputError(
            f"projects.txt entry {entry!r} is not a URL", hint="pass --git-base URL"
        )
    return f"{git_base.rstrip('/')}/{entry}"


def clone_directory(workdir: Path, entry: str) -> Path:
    """Where the clone of ``entry`` lives: always inside ``workdir``."""
    path = entry.split("://", 1)[-1].split(":", 1)[-1]
    parts = [p for p in PurePosixPath(path.removesuffix(".git")).parts if p != "/"]
    parts = parts[-2:]  # org/name, whatever the host and prefix
    if not parts or not all(_SAFE_PART.match(p) for p in parts):
        raise InputError(f"projects.txt entry {entry!r} is not a safe repository name")
    return workdir.joinpath(*parts)


def change_id(entry: str, branch: str, topic: str) -> str:
    """The same Gerrit Change-Id for every update of one proposal."""
    digest = hashlib.sha1(f"{entry}\0{branch}\0{topic}".encode()).hexdigest()
    return f"I{digest}"


def commit_message(
    plan: SyncPlan, requirements_commit: str | None, change: str | None
) -> str:
    lines = [SUBJECT, "", "Sync the requirement files with the global list:", ""]
    lines.extend(_describe(c) for c in plan.changes)
    trailers = []
    if requirements_commit:
        trailers.append(f"Depends-On: {requirements_commit}")
    if change:
        trailers.append(f"Change-Id: {change}")
    if trailers:
        lines += ["", *trailers]
    return "\n".join(lines) + "\n"


def _describe(change: Change) -> str:
    where = f"{change.path}:{change.line}"
    if change.new is None:
        return f"- {where}: removed {change.old} (not in the global list)"
    parts = []
    if change.new != change.old:
        parts.append(f"{change.old} -> {change.new}")
    if change.licence is not None:
        parts.append(f"licence {change.licence[0]} -> {change.licence[1]}")
    return f"- {where}: " + "; ".join(parts)


def propose_all(
    central: CentralRepo,
    entries: Sequence[str],
    options: ProposeOptions,
    requirements_commit: str | None,
    jobs: int,
    on_done: Callable[[Proposal], None] = lambda proposal: None,
) -> list[Proposal]:
    check_options(options)

    def one(entry: str) -> Proposal:
        proposal = propose_one(central, entry, options, requirements_commit)
        on_done(proposal)
        return proposal

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, entries))


def propose_one(
    central: CentralRepo,
    entry: str,
    options: ProposeOptions,
    requirements_commit: str | None,
) -> Proposal:
    try:
        return _propose(central, entry, options, requirements_commit)
    except (AccordError, OSError) as error:
        return Proposal(entry, "failed", message=git.redact(str(error)))


def _propose(
    central: CentralRepo,
    entry: str,
    options: ProposeOptions,
    requirements_commit: str | None,
) -> Proposal:
    directory = clone_directory(options.workdir, entry)
    git.clone_or_fetch(project_url(entry, options.git_base), directory)
    branch = options.branch or git.default_branch(directory)
    git.reset_to(directory, branch)
    project = load_project(directory, central.config)
    plan = plan_sync(project, central)
    if plan.blocked:
        problems = "; ".join(f.message for f in plan.findings if f.rule == "C001")
        return Proposal(entry, "failed", branch, message=f"cannot sync: {problems}")
    if not plan.updates:
        return Proposal(entry, "none", branch)
    write_updates(directory, plan.updates)
    change = change_id(entry, branch, options.topic) if options.change_id else None
    commit = git.commit_all(
        directory, commit_message(plan, requirements_commit, change)
    )
    files = tuple(update.path for update in plan.updates)
    diff = "".join(
        unified_diff(update.path, update.old_text, update.new_text)
        for update in plan.updates
    )
    target = options.push_url.format(name=entry) if options.push_url else "origin"
    existing = git.remote_branch_sha(directory, options.topic, target)
    status: Status = "new"
    if existing is not None:
        git.fetch_commit(directory, target, options.topic)
        same = git.tree_of(directory, "refs/accord/proposed") == git.tree_of(
            directory, commit
        )
        status = "unchanged" if same else "updated"
    if options.push and status != "unchanged":
        git.push(directory, target, options.topic, existing)
    return Proposal(entry, status, branch, files, diff, commit)
