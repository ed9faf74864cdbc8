"""``accord release next``: the next release of a deliverable, appended to
its request file at the head of its branch.

The entry is added as text after the file's last release (the file's own
indentation, comments and order kept), so the review shows one new entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import Version

from accord.release.checks import previous_release, target_branch
from accord.release.errors import ReleaseError
from accord.release.gitrepo import BaseRepos, git_ok
from accord.release.model import Deliverable
from accord.release.requests import ReleasesRepo
from accord.release.versions import next_version

_TOP_KEY = re.compile(r"^[^\s#-][^:]*:")


@dataclass(frozen=True, slots=True)
class NextRelease:
    deliverable: Deliverable
    version: Version
    projects: tuple[tuple[str, str, str], ...]  # (repo, hash, branch)

    def entry(self, indent: str = "  ") -> str:
        lines = [f"{indent}- version: {self.version}", f"{indent}  projects:"]
        for repo, sha, _ in self.projects:
            lines += [f"{indent}    - repo: {repo}", f"{indent}      hash: {sha}"]
        return "\n".join(lines) + "\n"


def plan_next(
    releases: ReleasesRepo, deliverable: Deliverable, bump: str, repos: BaseRepos
) -> NextRelease:
    """The next ``bump`` release of ``deliverable`` at its branches' heads."""
    earlier = releases.history(deliverable)
    previous = previous_release(deliverable, len(deliverable.releases), earlier)
    base = None if previous is None else previous.parsed
    if previous is not None and base is None:
        raise ReleaseError(f"the last release {previous.version!r} is not a version")
    try:
        version = next_version(base, bump)
    except ValueError as error:
        raise ReleaseError(str(error)) from error
    if not deliverable.repositories:
        raise ReleaseError(f"{deliverable.path} names no repository-settings")
    projects: list[tuple[str, str, str]] = []
    for name in deliverable.repositories:
        repo = repos.get(name)
        if repo is None:
            raise ReleaseError(f"repository {name} not found (check --git-base)")
        branch = target_branch(repo, deliverable.series)
        if branch is None:
            raise ReleaseError(f"{name} has no branch to release from")
        sha = git_ok(repo.path, "rev-parse", "--verify", f"{branch}^{{commit}}").strip()
        projects.append((name, sha, branch))
    return NextRelease(deliverable, version, tuple(projects))


def with_entry(text: str, entry: NextRelease) -> str:
    """``text`` (the request file) with ``entry`` after its last release."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("releases:")), None
    )
    if start is None:
        return "".join(lines) + "releases:\n" + entry.entry()
    end = start + 1
    while end < len(lines) and not _TOP_KEY.match(lines[end]):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines before the next key stay there
    block = lines[start + 1 : end]
    indent = next(
        (
            line[: len(line) - len(line.lstrip())]
            for line in block
            if line.lstrip().startswith("- ")
        ),
        "  ",
    )
    return "".join([*lines[:end], entry.entry(indent), *lines[end:]])
