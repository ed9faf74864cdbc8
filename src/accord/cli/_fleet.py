"""The fleet commands: check or sync every project in projects.txt."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    F,
    cli,
    format_option,
    progress,
    requirements_option,
)

if TYPE_CHECKING:
    from accord.fleet import Outcome, SyncOptions


@cli.group()
def fleet() -> None:
    """Check or sync every project named in projects.txt."""


def fleet_options(function: F) -> F:
    function = click.option(
        "--workspace",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Where projects.txt entries live (default: the directory "
        "holding the requirements repo).",
    )(function)
    function = click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes (default: one per CPU).",
    )(function)
    function = click.option(
        "--shard",
        default=None,
        metavar="I/N",
        help="Take only the I-th of N slices of the fleet (CI matrices).",
    )(function)
    return format_option(requirements_option(function))


@fleet.command("check")
@fleet_options
def fleet_check(
    requirements: Path | None,
    output_format: str,
    workspace: Path | None,
    jobs: int | None,
    shard: str | None,
) -> None:
    """Run accord check on every project, in parallel."""
    from accord.fleet import SyncOptions

    _run_fleet(
        "check", requirements, output_format, workspace, jobs, shard, SyncOptions()
    )


@fleet.command("sync")
@fleet_options
@click.option("--diff", is_flag=True, help="Write nothing; report what would change.")
@click.option(
    "--check", "check_only", is_flag=True, help="Exit 1 if any project would change."
)
@click.option("--prune", is_flag=True, help="Remove libraries not in the list.")
def fleet_sync(
    requirements: Path | None,
    output_format: str,
    workspace: Path | None,
    jobs: int | None,
    shard: str | None,
    diff: bool,
    check_only: bool,
    prune: bool,
) -> None:
    """Run accord sync on every project, in parallel."""
    from accord.fleet import SyncOptions

    options = SyncOptions(write=not (diff or check_only), prune=prune)
    outcomes = _run_fleet(
        "sync",
        requirements,
        output_format,
        workspace,
        jobs,
        shard,
        options,
        exit_=False,
    )
    failed = any(o.status != "ok" for o in outcomes)
    if check_only and any(o.changed_files for o in outcomes):
        failed = True
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _run_fleet(
    mode: Literal["check", "sync"],
    requirements: Path | None,
    output_format: str,
    workspace: Path | None,
    jobs: int | None,
    shard: str | None,
    options: SyncOptions,
    exit_: bool = True,
) -> list[Outcome]:
    from accord.central import load_central_repo
    from accord.fleet import (
        default_jobs,
        fleet_members,
        parse_shard,
        run_fleet,
        select_shard,
    )
    from accord.report.fleet import render_fleet_json, render_fleet_table

    root = requirements or Path()
    central = load_central_repo(root)
    members = fleet_members(central, workspace)
    if shard is not None:
        try:
            members = select_shard(members, parse_shard(shard))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--shard") from None
    with progress(len(members)) as advance:
        outcomes = run_fleet(
            root, members, mode, jobs or default_jobs(), options, lambda _: advance()
        )
    if output_format == "json":
        click.echo(render_fleet_json(mode, outcomes))
    else:
        render_fleet_table(mode, outcomes, sys.stdout)
    if exit_:
        sys.exit(EXIT_FINDINGS if any(o.status != "ok" for o in outcomes) else EXIT_OK)
    return outcomes
