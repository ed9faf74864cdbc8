"""`accord affected` and `accord cross-test`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, check_pythons, index_settings

if TYPE_CHECKING:
    from accord._config_resolution import IndexSettings
    from accord.central import CentralRepo

_LOCAL_ONLY = "the change is read from a work tree of your own"


def affected(
    requirements: str | None,
    base: str | None,
    workspace: Path | None,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    output_format: str,
    chunk: int | None,
    pythons: Sequence[str],
    jobs: int,
) -> int:
    from accord.affected import render
    from accord.affected.find import find_affected
    from accord.affected.uv_graph import UvGraphSource
    from accord.central import load_central_repo
    from accord.cli._globals import is_quiet
    from accord.locate import default_workspace, requirements_repo

    root = requirements_repo(requirements, local_only=_LOCAL_ONLY)
    central = load_central_repo(root)
    targets = tuple(pythons or central.config.python_versions)
    check_pythons(targets)
    index = _index(central, index_url, extra_index_url, find_links, no_index)
    settings = central.config.resolution
    source = UvGraphSource(index, root, settings.platform, settings.static_metadata)
    report = find_affected(
        root, base, targets, source, default_workspace(root, workspace), jobs
    )
    if output_format == "json":
        print(render.render_json(report))
    elif output_format == "github-matrix":
        print(render.render_github_matrix(report, chunk))
    elif output_format == "gitlab":
        print(render.render_gitlab(report, base), end="")
    else:
        print(render.render_table(report))
    if output_format != "table" and not is_quiet():
        for unread in report.unread:
            print(
                f"accord: warning: {unread.project}: not read: {unread.reason}",
                file=sys.stderr,
            )
    return EXIT_OK


def cross_test(
    projects: Sequence[str],
    requirements: str | None,
    base: str | None,
    workspace: Path | None,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    output_format: str,
    timeout: int,
    env_dir: Path | None,
    interpreter: str | None,
    jobs: int,
) -> int:
    from accord.affected.crosstest import cross_test_fleet, render_json, render_table
    from accord.affected.uv_env import (
        UvEnvironments,
        default_env_dir,
        find_interpreter,
    )
    from accord.central import load_central_repo
    from accord.locate import default_workspace, requirements_repo

    root = requirements_repo(requirements, local_only=_LOCAL_ONLY)
    central = load_central_repo(root)
    index = _index(central, index_url, extra_index_url, find_links, no_index)
    python = sys.executable if interpreter is None else find_interpreter(interpreter)
    environments = UvEnvironments(env_dir or default_env_dir(), index, root, python)
    settings = central.config.resolution
    from accord.affected.uv_graph import UvGraphSource

    source = UvGraphSource(index, root, settings.platform, settings.static_metadata)
    report = cross_test_fleet(
        root,
        base,
        projects,
        default_workspace(root, workspace),
        source,
        environments,
        timeout,
        jobs,
    )
    if output_format == "json":
        print(render_json(report))
    else:
        print(render_table(report))
    return EXIT_FINDINGS if report.regressions else EXIT_OK


def _index(
    central: CentralRepo,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
) -> IndexSettings:
    return index_settings(
        central.config.resolution.index,
        index_url,
        extra_index_url,
        find_links,
        no_index,
    )
