"""``accord release branch``: each branch a change adds, in every repository
of the deliverable, at the commit of the release its ``location`` names.

A ``location`` is a released version (its tag must be there already: run
after tagging) or a mapping ``{org/name: commit}``. An existing branch at
that commit is fine (a re-run does nothing); one anywhere else is refused
and nothing is moved. The branch name goes to git only once git's own rules
(``git check-ref-format --branch``) accept it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from accord.release.checks import Request
from accord.release.gitrepo import BaseRepos, GitError, valid_branch_name
from accord.release.model import Branch, Deliverable
from accord.vcs.remote import ForeignRepository

_SHA = re.compile(r"[0-9a-f]{40}")
# unusable: the repository's .git leads out of it and the --git-base (exit 2)
BranchStatus = Literal["created", "exists", "refused", "missing", "failed", "unusable"]
History = Callable[[Deliverable], Sequence[Deliverable]]


@dataclass(frozen=True, slots=True)
class BranchOutcome:
    """What happened to one branch entry in one repository."""

    deliverable: Deliverable
    branch: Branch
    repo: str  # org/name, or "" when the entry was refused as a whole
    status: BranchStatus
    detail: str

    @property
    def ok(self) -> bool:
        return self.status in ("created", "exists")

    @property
    def where(self) -> str:
        return f"{self.deliverable.path}:{self.branch.line}"


def new_branches(request: Request) -> tuple[Branch, ...]:
    """The entries of ``branches`` the change adds (or rewrites)."""
    before = () if request.before is None else request.before.branches
    return tuple(
        b
        for b in request.deliverable.branches
        if not any(b.same_request(old) for old in before)
    )


def _targets(
    deliverable: Deliverable,
    branch: Branch,
    history: History,
    repos: BaseRepos,
) -> tuple[list[tuple[str, str]], str | None]:
    """The (org/name, commit) to branch from, or why there are none."""
    if branch.location is None:
        bad = [repo for repo, sha in branch.locations if not _SHA.fullmatch(sha)]
        if bad or not branch.locations:
            return [], f"the location of {', '.join(bad) or 'no repository'} " + (
                "is not a full commit hash" if bad else "is given"
            )
        return list(branch.locations), None
    releases = [r for d in (*history(deliverable), deliverable) for r in d.releases]
    release = next((r for r in releases if r.version == branch.location), None)
    if release is None:
        name = deliverable.name
        return [], f"{branch.location!r} is not a released version of {name}"
    targets: list[tuple[str, str]] = []
    for project in release.projects:
        repo = repos.get(project.repo)
        tagged = None if repo is None else repo.tag_commit(release.version)
        if repo is not None and tagged != project.hash:
            return [], (
                f"{project.repo} has no tag {release.version} at {project.hash[:12]}: "
                "tag the release first (accord release tag)"
            )
        targets.append((project.repo, project.hash))
    return targets, None


def branch_one(
    deliverable: Deliverable, branch: Branch, history: History, repos: BaseRepos
) -> list[BranchOutcome]:
    """The branch in each repository of the release its location names."""

    def outcome(repo: str, status: BranchStatus, detail: str) -> BranchOutcome:
        return BranchOutcome(deliverable, branch, repo, status, detail)

    where = f"{deliverable.path}:{branch.line}"
    if not valid_branch_name(branch.name):
        bad_name = f"{where}: {branch.name!r} is not a branch name"
        return [outcome("", "refused", bad_name)]
    try:
        targets, problem = _targets(deliverable, branch, history, repos)
    except GitError as error:
        return [outcome("", "failed", f"{where}: {error}")]
    if problem is not None:
        return [outcome("", "refused", f"{where}: {problem}")]
    outcomes: list[BranchOutcome] = []
    for name, sha in targets:
        repo = repos.get(name)
        if repo is None:
            outcomes.append(outcome(name, "missing", f"repository {name} not found"))
            continue
        existing = repo.branch_commit(branch.name)
        if existing is not None and existing != sha:
            outcomes.append(
                outcome(
                    name,
                    "refused",
                    f"{where}: {branch.name} is already at {existing[:12]}, "
                    f"not {sha[:12]}",
                )
            )
            continue
        if existing is None and not repo.has_commit(sha):
            outcomes.append(outcome(name, "missing", f"no commit {sha}"))
            continue
        try:
            repo.create_branch(branch.name, sha)
        except GitError as error:
            outcomes.append(outcome(name, "failed", str(error)))
            continue
        except ForeignRepository as error:
            outcomes.append(outcome(name, "unusable", str(error)))
            continue
        status: BranchStatus = "created" if existing is None else "exists"
        verb = "at" if existing is None else "already at"
        outcomes.append(outcome(name, status, f"{branch.name} {verb} {sha[:12]}"))
    return outcomes


def planned_branches(
    requests: Iterable[Request],
) -> Iterator[tuple[Deliverable, Branch]]:
    for request in requests:
        for branch in new_branches(request):
            yield request.deliverable, branch


def branch_all(
    requests: Iterable[Request], history: History, repos: BaseRepos
) -> list[BranchOutcome]:
    """Every new branch entry; a refusal does not stop the others."""
    return [
        found
        for deliverable, branch in planned_branches(requests)
        for found in branch_one(deliverable, branch, history, repos)
    ]
