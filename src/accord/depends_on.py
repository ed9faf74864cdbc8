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
from accord.vcs.git import depends_on, find_commit, head_message, is_git_repo


def central_for_project(
    requirements: Path, project: Path
) -> tuple[CentralRepo, list[Finding]]:
    """The central repo to check ``project`` against, and notes on the choice."""
    if not (is_git_repo(project) and is_git_repo(requirements)):
        return load_central_repo(requirements), []
    message = head_message(project)
    references = depends_on(message) if message else []
    for reference in references:
        commit = find_commit(requirements, reference)
        if commit is not None:
            return load_central_repo(requirements, commit), []
    notes = []
    if references:
        notes.append(
            Finding(
                "C013",
                "warning",
                ".",
                None,
                "Depends-On: "
                + ", ".join(references)
                + " not found in the requirements repo's refs; checked against "
                "its work tree",
                "fetch the central change into the requirements repo "
                "(e.g. git fetch origin refs/changes/...)",
            )
        )
    return load_central_repo(requirements), notes
