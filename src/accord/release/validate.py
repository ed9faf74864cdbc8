"""``accord release validate``: every check over the requests of a change."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.findings import Finding
from accord.release.checks import RequirementsCheck, check_requests
from accord.release.gitrepo import GitRepo, GitRepos, LocalRepo
from accord.release.requests import (
    changed_paths,
    changed_requests,
    load_releases_repo,
)

if TYPE_CHECKING:
    from accord.central import CentralRepo


def validate_change(
    root: Path,
    base: str | None,
    repos: GitRepos | None,
    requirements_check: RequirementsCheck | None = None,
) -> list[Finding]:
    """Every finding about the requests the change from ``base`` adds or
    edits (every request without a base), schema errors included."""
    releases = load_releases_repo(root)
    requests = changed_requests(releases, base)
    if base is None:
        findings = list(releases.findings)
    else:
        paths = changed_paths(root, base)
        findings = [f for f in releases.findings if f.path in paths]
    findings += check_requests(requests, releases.history, repos, requirements_check)
    return findings


def project_check(central: CentralRepo) -> RequirementsCheck:
    """``accord check`` of a repository at a commit, against ``central``."""

    def check(repo: GitRepo, sha: str) -> Sequence[Finding]:
        from accord.project import load_project
        from accord.rules.check import check_project

        if not isinstance(repo, LocalRepo):
            return ()
        with tempfile.TemporaryDirectory(prefix="accord-release-") as directory:
            tree = Path(directory)
            repo.archive(sha, tree)
            return check_project(load_project(tree, central.config), central)

    return check
