"""Propose sync changes to every consuming repository, through git.

For each project: a cached clone under the workdir (fetched, never
re-cloned; ``accord.vcs.clones`` says where it comes from and lives), its
target branch checked out clean, sync applied, and, when something changed,
one commit on a topic branch with a stable Change-Id. With ``push`` the
topic branch replaces the remote one only if its content differs
(force-with-lease); an identical proposal is left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord.central import CentralRepo
from accord.errors import AccordError, InputError
from accord.project import load_project
from accord.sync.apply import write_updates
from accord.sync.plan import Change, SyncPlan, plan_sync
from accord.textdiff import unified_diff
from accord.vcs import remote as git
from accord.vcs.clones import (
    check_symlinks,
    check_url,
    clone_directory,
    clone_name,
    contained,
    source_url,
)

# unusable: the clone's .git leads to another repository (exit 2)
Status = Literal["new", "updated", "unchanged", "none", "failed", "unusable"]
SUBJECT = "Updated from global requirements"


@dataclass(frozen=True, slots=True)
class ProposeOptions:
    workdir: Path  # accord's own clones: fetched, reset and cleaned at will
    git_base: str | None = None
    branch: str | None = None
    topic: str = "accord/sync"
    push: bool = False
    push_url: str | None = None  # a pattern with {name}, e.g. ssh://review/{name}
    change_id: bool = False
    workspace: Path | None = None  # the user's checkouts (fleet's), read only


@dataclass(frozen=True, slots=True)
class Proposal:
    project: str  # the projects.txt entry, credentials masked
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
    if options.branch is not None and options.branch == options.topic:
        raise InputError(
            f"--topic {options.topic!r} is the target branch: the proposal "
            "would land on it unreviewed"
        )
    if options.git_base is not None:
        check_url(options.git_base, "--git-base")
    if options.push_url is not None:
        push_target(options.push_url, "org/name")


def push_target(push_url: str | None, entry: str) -> str:
    """The remote to push ``entry``'s proposal to: ``--push-url`` or origin."""
    if push_url is None:
        return "origin"
    try:
        url = push_url.format(name=entry)
    except (LookupError, ValueError) as error:
        raise InputError(
            f"--push-url {git.redact(push_url)!r} is not a pattern with only "
            f"{{name}}: {error}"
        ) from error
    return check_url(url, "--push-url")


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
    owners: dict[str, str] = {}
    shared: dict[str, str] = {}  # entry -> the entry whose clone it would share
    for entry in entries:
        try:
            name = clone_name(entry)
        except InputError:
            continue  # reported by propose_one
        shared[entry] = owners.setdefault(name, entry)

    def one(entry: str) -> Proposal:
        if shared.get(entry, entry) != entry:
            other = git.redact(shared[entry])
            message = f"its clone would be the one of {other}; remove one of them"
            proposal = Proposal(git.redact(entry), "failed", message=message)
        else:
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
    except git.ForeignRepository as error:
        return Proposal(git.redact(entry), "unusable", message=git.redact(str(error)))
    except (AccordError, OSError) as error:
        return Proposal(git.redact(entry), "failed", message=git.redact(str(error)))


def _propose(
    central: CentralRepo,
    entry: str,
    options: ProposeOptions,
    requirements_commit: str | None,
) -> Proposal:
    shown = git.redact(entry)
    url = source_url(entry, options.git_base, options.workspace)
    target = push_target(options.push_url, entry)
    directory = clone_directory(options.workdir, entry)
    if (directory / ".git").is_dir():  # its config and refs are rewritten next
        git.check_git_dir(directory)
    git.clone_or_fetch(url, directory)
    branch = options.branch or git.default_branch(directory)
    if branch == options.topic:
        message = f"--topic {options.topic} is the target branch: refused"
        return Proposal(shown, "failed", branch, message=message)
    git.reset_to(directory, branch)
    check_symlinks(directory)
    project = load_project(directory, central.config)
    for path, _ in project.texts:
        # A source read through a symlink out of the clone is not the
        # project's: its content must never be committed or pushed.
        contained(directory, directory / path, "the clone")
    plan = plan_sync(project, central)
    if plan.blocked:
        problems = "; ".join(f.message for f in plan.findings if f.rule == "C001")
        return Proposal(shown, "failed", branch, message=f"cannot sync: {problems}")
    if not plan.updates:
        return Proposal(shown, "none", branch)
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
    existing = git.remote_branch_sha(directory, options.topic, target)
    status: Status = "new"
    if existing is not None:
        git.fetch_commit(directory, target, options.topic)
        if git.subject_of(directory, "refs/accord/proposed") != SUBJECT:
            message = (
                f"the remote's branch {options.topic} is not an accord proposal "
                "(its last commit is someone else's): refused, choose another --topic"
            )
            return Proposal(shown, "failed", branch, files, diff, message=message)
        same = git.tree_of(directory, "refs/accord/proposed") == git.tree_of(
            directory, commit
        )
        status = "unchanged" if same else "updated"
    if options.push and status != "unchanged":
        git.push(directory, target, options.topic, existing)
    return Proposal(shown, status, branch, files, diff, commit)
