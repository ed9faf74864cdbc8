"""The checks of release requests: pure functions yielding findings.

Each check looks at one deliverable file (as the change leaves it and as it
was before) and, for the commits, at the repositories through the
:class:`~accord.release.gitrepo.GitRepos` port. :func:`check_requests`
runs them all and returns every finding, never only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from accord.findings import Finding
from accord.release import stable
from accord.release.gitrepo import GitRepo, GitRepos, valid_branch_name
from accord.release.model import INDEPENDENT, Deliverable, ProjectRef, Release
from accord.release.versions import (
    allowed_after,
    canonical,
    is_bugfix,
    is_end_marker,
    next_version,
    triple,
)

# Runs `accord check` on a repository at a commit: its error findings.
RequirementsCheck = Callable[[GitRepo, str], Sequence[Finding]]


@dataclass(frozen=True, slots=True)
class Request:
    """A deliverable file the change adds or edits."""

    deliverable: Deliverable
    before: Deliverable | None  # the file at the base, if it was there

    @property
    def new_releases(self) -> tuple[Release, ...]:
        return self.deliverable.releases[
            len(self.before.releases) if self.before else 0 :
        ]


@dataclass(frozen=True, slots=True)
class NewRelease:
    """A release a change asks for, with the release it follows."""

    deliverable: Deliverable
    release: Release
    previous: Release | None


def _error(
    deliverable: Deliverable,
    rule: str,
    line: int | None,
    message: str,
    fix: str | None = None,
) -> Finding:
    return Finding(rule, "error", deliverable.path, line, message, fix)


def previous_releases(
    request: Request, earlier: Sequence[Deliverable]
) -> Iterator[NewRelease]:
    """Each new release with the one before it (in this file, else the last
    release of the same deliverable in an earlier series)."""
    releases = request.deliverable.releases
    first_new = len(releases) - len(request.new_releases)
    for index in range(first_new, len(releases)):
        previous = previous_release(request.deliverable, index, earlier)
        yield NewRelease(request.deliverable, releases[index], previous)


def previous_release(
    deliverable: Deliverable, index: int, earlier: Sequence[Deliverable]
) -> Release | None:
    """The release before ``deliverable.releases[index]``: in the same file,
    else the last of an earlier series (end-of-life tags skipped)."""
    candidates = [r for d in earlier for r in d.releases]
    candidates += deliverable.releases[:index]
    versions = [r for r in candidates if not is_end_marker(r.version)]
    return versions[-1] if versions else None


def check_append_only(request: Request) -> Iterator[Finding]:
    """R009: the entries the base had are still there, unchanged, in order."""
    if request.before is None:
        return
    now, then = request.deliverable.releases, request.before.releases
    for index, old in enumerate(then):
        if index >= len(now):
            yield _error(
                request.deliverable,
                "R009",
                None,
                f"the release {old.version} was removed: releases are append-only",
            )
        elif not now[index].same_request(old):
            yield _error(
                request.deliverable, "R009", now[index].line,
                f"the release {old.version} was changed: releases are append-only",
                "restore the entry and append a new one",
            )  # fmt: skip


def check_version(new: NewRelease, earlier_finals: bool) -> Iterator[Finding]:
    """R002 canonical, R003 greater, R004 no skipped version, R010 the first
    final of a series ends in .0, R011 pre-releases progress."""
    deliverable, release = new.deliverable, new.release
    if is_end_marker(release.version):
        return  # a series' end-of-life tag: a name, not a version
    version = canonical(release.version)
    if version is None:
        parsed = release.parsed
        fix = None if parsed is None else f"write it as {parsed}"
        yield _error(
            deliverable,
            "R002",
            release.line,
            f"{release.version!r} is not a canonical PEP 440 version",
            fix,
        )
        return
    if (
        version.pre is None
        and not earlier_finals
        and deliverable.series != INDEPENDENT
        and triple(version)[2] != 0
    ):
        yield _error(
            deliverable,
            "R010",
            release.line,
            f"{version} is the first release of series {deliverable.series}: "
            "it must end in .0",
        )
    previous = None if new.previous is None else new.previous.parsed
    if previous is None:
        return
    if version <= previous:
        yield _error(
            deliverable,
            "R003",
            release.line,
            f"{version} is not greater than the previous release {previous}",
        )
    elif version not in allowed_after(previous):
        allowed = ", ".join(str(v) for v in sorted(allowed_after(previous)))
        if previous.pre is not None:
            yield _error(
                deliverable,
                "R011",
                release.line,
                f"{version} does not follow the pre-release {previous}",
                f"use one of {allowed}",
            )
        else:
            bumps = ("bugfix", "feature", "major")
            natural = ", ".join(f"{next_version(previous, b)} ({b})" for b in bumps)
            yield _error(
                deliverable,
                "R004",
                release.line,
                f"{version} skips a version after {previous}",
                f"use {natural}, or a first beta or rc",
            )


def check_repositories(deliverable: Deliverable) -> Iterator[Finding]:
    """R016: every repo a release names is in repository-settings."""
    for release in deliverable.releases:
        for project in release.projects:
            if project.repo not in deliverable.repositories:
                yield _error(
                    deliverable,
                    "R016",
                    project.line,
                    f"{project.repo} is not in repository-settings",
                    f"add '{project.repo}: {{}}' to repository-settings",
                )


def check_branches(
    deliverable: Deliverable,
    released: frozenset[str],
    name_ok: Callable[[str], bool] = valid_branch_name,
) -> Iterator[Finding]:
    """R013: a branch is created at a version this deliverable released;
    R017: its name is one git takes (``git check-ref-format --branch``)."""
    for branch in deliverable.branches:
        if not name_ok(branch.name):
            yield _error(
                deliverable,
                "R017",
                branch.line,
                f"{branch.name!r} is not a valid git branch name",
                "name it as git allows, e.g. stable/<series>",
            )
        if branch.location is not None and branch.location not in released:
            yield _error(
                deliverable,
                "R013",
                branch.line,
                f"branch {branch.name}: {branch.location!r} is not a released "
                f"version of {deliverable.name}",
            )


def target_branch(repo: GitRepo, series: str) -> str | None:
    """The branch a series releases from: stable/<series> once it exists."""
    stable_branch = f"stable/{series}"
    if series != INDEPENDENT and repo.has_branch(stable_branch):
        return stable_branch
    return repo.default_branch()


def check_commits(new: NewRelease, repos: GitRepos) -> Iterator[Finding]:
    """R005 the commit exists, R006 on the target branch, R007 descends from
    the previous release, R008 an existing tag agrees, R012 a final after an
    rc is the rc's commit."""
    deliverable, release = new.deliverable, new.release
    before = (
        {} if new.previous is None else {p.repo: p.hash for p in new.previous.projects}
    )
    previous = new.previous.parsed if new.previous else None
    version = release.parsed
    for project in release.projects:
        repo = repos.get(project.repo)
        if repo is None:
            yield _error(
                deliverable,
                "R005",
                project.line,
                f"repository {project.repo} not found",
                "check --git-base",
            )
            continue
        if not repo.has_commit(project.hash):
            yield _error(
                deliverable,
                "R005",
                project.line,
                f"{project.hash} is not a commit of {project.repo}",
            )
            continue
        yield from _placement(new, project, repo, before.get(project.repo))
        tagged = repo.tag_commit(release.version)
        if tagged is not None and tagged != project.hash:
            yield _error(
                deliverable,
                "R008",
                project.line,
                f"{project.repo} already has the tag {release.version} at "
                f"{tagged}, not {project.hash}",
            )
        if (
            previous is not None and version is not None
            and previous.pre is not None and previous.pre[0] == "rc"
            and version.pre is None and triple(version) == triple(previous)
            and before.get(project.repo) not in (None, project.hash)
        ):  # fmt: skip
            yield _error(
                deliverable, "R012", project.line,
                f"the final {version} must be the commit of {previous} "
                f"({before[project.repo]})",
                "release the last release candidate's commit, or ask for another rc",
            )  # fmt: skip


def _placement(
    new: NewRelease, project: ProjectRef, repo: GitRepo, previous_hash: str | None
) -> Iterator[Finding]:
    deliverable = new.deliverable
    branch = target_branch(repo, deliverable.series)
    if branch is not None and not repo.on_branch(branch, project.hash):
        yield _error(
            deliverable,
            "R006",
            project.line,
            f"{project.hash} is not on {project.repo}'s branch {branch}",
        )
    if (
        previous_hash is not None
        and repo.has_commit(previous_hash)
        and not repo.is_ancestor(previous_hash, project.hash)
    ):
        yield _error(
            deliverable,
            "R007",
            project.line,
            f"{project.hash} does not descend from the previous release's "
            f"commit {previous_hash}",
        )


def check_stable_requirements(new: NewRelease, repos: GitRepos) -> Iterator[Finding]:
    """R014: a bugfix release on a stable branch adds no requirement and
    raises no minimum."""
    version, previous = (
        new.release.parsed,
        new.previous.parsed if new.previous else None,
    )
    if (
        version is None
        or previous is None
        or new.previous is None
        or not is_bugfix(previous, version)
    ):
        return
    before = {p.repo: p.hash for p in new.previous.projects}
    for project in new.release.projects:
        repo = repos.get(project.repo)
        old = before.get(project.repo)
        if (
            repo is None
            or old is None
            or not (repo.has_commit(old) and repo.has_commit(project.hash))
        ):
            continue
        branch = target_branch(repo, new.deliverable.series)
        if branch is None or not branch.startswith("stable/"):
            continue
        changes = stable.requirement_changes(
            stable.runtime_requirements(repo, old),
            stable.runtime_requirements(repo, project.hash),
        )
        for change in changes:
            yield _error(
                new.deliverable,
                "R014",
                new.release.line,
                f"the bugfix release {version} on {branch} {change}",
                "make it a feature release, or drop the change from the branch",
            )


def check_project_requirements(
    new: NewRelease, repos: GitRepos, check: RequirementsCheck
) -> Iterator[Finding]:
    """R015: the repository's requirements pass ``accord check`` at the commit."""
    for project in new.release.projects:
        repo = repos.get(project.repo)
        if repo is None or not repo.has_commit(project.hash):
            continue
        problems = [f for f in check(repo, project.hash) if f.severity == "error"]
        for problem in problems:
            where = (
                problem.path
                if problem.line is None
                else f"{problem.path}:{problem.line}"
            )
            yield _error(
                new.deliverable,
                "R015",
                project.line,
                f"{project.repo} at {project.hash[:12]}: {problem.rule} {where}: "
                f"{problem.message}",
                problem.fix,
            )


def check_requests(
    requests: Iterable[Request],
    history: Callable[[Deliverable], Sequence[Deliverable]],
    repos: GitRepos | None,
    requirements_check: RequirementsCheck | None = None,
) -> list[Finding]:
    """Every finding about the requests; ``history(d)`` gives the same
    deliverable's files of earlier series, oldest first."""
    findings: list[Finding] = []
    for request in requests:
        deliverable = request.deliverable
        earlier = history(deliverable)
        released = frozenset(
            r.version for d in (*earlier, deliverable) for r in d.releases
        )
        findings += check_append_only(request)
        findings += check_repositories(deliverable)
        findings += check_branches(deliverable, released)
        for new in previous_releases(request, earlier):
            index = deliverable.releases.index(new.release)
            finals = any(
                r.parsed is not None and r.parsed.pre is None
                for r in deliverable.releases[:index]
            )
            findings += check_version(new, finals)
            if repos is None:
                continue
            findings += check_commits(new, repos)
            findings += check_stable_requirements(new, repos)
            if requirements_check is not None:
                findings += check_project_requirements(new, repos, requirements_check)
    return findings
