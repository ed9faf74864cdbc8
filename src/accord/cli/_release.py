"""``accord release ...``: the handlers; the work is in :mod:`accord.release`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import UsageError, finish

if TYPE_CHECKING:
    from accord.release.gitrepo import BaseRepos


def _repos(git_base: str | None, workdir: Path) -> BaseRepos | None:
    from accord.release.gitrepo import BaseRepos

    return None if git_base is None else BaseRepos(git_base, workdir.resolve())


def _releases_root(releases: Path) -> Path:
    if not (releases / "deliverables").is_dir():
        raise UsageError(f"{releases} has no deliverables/ directory", "RELEASES_REPO")
    return releases


def validate(
    releases: Path,
    base: str | None,
    git_base: str | None,
    workdir: Path,
    requirements: str | None,
    output_format: str,
) -> int:
    from accord.release.validate import project_check, validate_change

    root = _releases_root(releases)
    check = None
    if requirements is not None:
        from accord.central import load_central_repo
        from accord.locate import requirements_repo

        check = project_check(load_central_repo(requirements_repo(requirements)))
    findings = validate_change(root, base, _repos(git_base, workdir), check)
    title = f"release validate {root}" + ("" if base is None else f" since {base}")
    if git_base is None:
        title += " (no --git-base: commits not checked)"
    return finish("release validate", findings, output_format, title, root)
