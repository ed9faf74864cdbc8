"""The fleet commands: check or sync every project in projects.txt."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, UsageError, progress

if TYPE_CHECKING:
    from accord.fleet import Outcome, SyncOptions


def fleet_check(
    requirements: str | None,
    output_format: str,
    workspace: Path | None,
    jobs: int | None,
    shard: str | None,
) -> int:
    from accord.fleet import SyncOptions

    outcomes = _run_fleet(
        "check", requirements, output_format, workspace, jobs, shard, SyncOptions()
    )
    return EXIT_FINDINGS if any(o.status != "ok" for o in outcomes) else EXIT_OK


def fleet_sync(
    requirements: str | None,
    output_format: str,
    workspace: Path | None,
    jobs: int | None,
    shard: str | None,
    diff: bool,
    check_only: bool,
    prune: bool,
) -> int:
    from accord.fleet import SyncOptions

    options = SyncOptions(write=not (diff or check_only), prune=prune, diff=diff)
    outcomes = _run_fleet(
        "sync", requirements, output_format, workspace, jobs, shard, options, check_only
    )
    failed = any(o.status != "ok" for o in outcomes)
    if check_only and any(o.changed_files for o in outcomes):
        failed = True
    return EXIT_FINDINGS if failed else EXIT_OK


def _run_fleet(
    mode: Literal["check", "sync"],
    requirements: str | None,
    output_format: str,
    workspace: Path | None,
    jobs: int | None,
    shard: str | None,
    options: SyncOptions,
    check_only: bool = False,
) -> list[Outcome]:
    from accord.central import load_central_repo
    from accord.cli._globals import default_jobs
    from accord.fleet import (
        fleet_members,
        parse_shard,
        run_fleet,
        select_shard,
    )
    from accord.locate import default_workspace, requirements_repo
    from accord.report.fleet import render_fleet_json, render_fleet_table

    root = requirements_repo(requirements)
    central = load_central_repo(root)
    members = fleet_members(central, default_workspace(root, workspace))
    if shard is not None:
        try:
            members = select_shard(members, parse_shard(shard))
        except ValueError as error:
            # The message names --shard already.
            raise UsageError(str(error)) from None
    with progress(len(members)) as advance:
        outcomes = run_fleet(
            root,
            members,
            mode,
            jobs or default_jobs("cpu"),
            options,
            lambda _: advance(),
        )
    if output_format == "json":
        print(render_fleet_json(mode, outcomes))
    elif output_format != "table":
        from accord.report.ci import ci_format, fleet_sets, render_ci

        sets = fleet_sets(mode, outcomes, options.write, check_only)
        print(render_ci(ci_format(output_format), f"fleet {mode}", sets))
    else:
        render_fleet_table(mode, outcomes, sys.stdout, wrote=options.write)
    return outcomes
