"""Depends-On: check a project against a central change not yet merged.

When the project's HEAD commit message carries ``Depends-On: <sha or
Change-Id>`` and the requirements repo is a git repository holding that
commit in any ref, the central files are read from that commit (with
``git cat-file``; no checkout is touched).
"""

from __future__ import annotations

from pathlib import Path

from accord.central import CentralRepo, load_central_repo
from accord.findings import Finding


def central_for_project(
    requirements: Path, project: Path
) -> tuple[CentralRepo, list[Finding]]:
    """The central repo to check ``project`` against, and notes on the choice."""
    # One git command in the common case (no trailer): every project's CI
    # runs this on every change, and each git process costs milliseconds.
    # No git at all (nor its module) for a project that is not a checkout.
    if not (project / ".git").exists():
        return load_central_repo(requirements), []
    from accord.vcs.git import depends_on, head_message, is_git_repo

    message = head_message(project)
    references = depends_on(message) if message else []
    if not references:
        return load_central_repo(requirements), []
    if is_git_repo(requirements):
        for reference in references:
            commit = _find_or_fetch(requirements, reference)
            if commit is not None:
                return load_central_repo(requirements, commit), []
        where = "not found in the requirements repo's refs"
    else:
        where = "not looked up: the requirements repo is not a git repository"
    note = Finding(
        "C013",
        "warning",
        ".",
        None,
        "Depends-On: " + ", ".join(references) + f" {where}; checked against "
        "its work tree",
        "fetch the central change into the requirements repo "
        "(e.g. git fetch origin refs/changes/...)",
    )
    return load_central_repo(requirements), [note]


def _find_or_fetch(requirements: Path, reference: str) -> str | None:
    """The commit ``reference`` names; a repo fetched from a git URL into
    accord's cache holds only its ref's commit, so it fetches the rest."""
    from accord.vcs.git import find_commit

    commit = find_commit(requirements, reference)
    if commit is None:
        from accord.locate.gitcache import fetch_reference, is_cached

        if is_cached(requirements):
            fetch_reference(requirements, reference)
            commit = find_commit(requirements, reference)
    return commit
