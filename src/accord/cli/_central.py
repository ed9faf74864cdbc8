"""Commands on the central files and one project: validate, check, sync, who-uses."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    cli,
    finish,
    format_option,
    requirements_option,
)
from accord.findings import has_errors


@cli.command()
@click.argument("repo", required=False, type=click.Path(path_type=Path))
@requirements_option
@format_option
def validate(repo: Path | None, requirements: Path | None, output_format: str) -> None:
    """Lint the central files of a requirements repo (rules G*).

    REPO is the requirements repo; --requirements says the same.
    """
    from accord.central import load_central_repo
    from accord.rules.validate import validate as run_validate

    if repo is not None and requirements is not None and repo != requirements:
        raise click.UsageError("give the repo either as REPO or as --requirements")
    root = repo or requirements or Path()
    findings = run_validate(load_central_repo(root))
    finish("validate", findings, output_format, f"validate {root}")


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@requirements_option
@format_option
def check(project: Path, requirements: Path | None, output_format: str) -> None:
    """Check a project's requirements against the central files (rules C*).

    Paths in the output are relative to PROJECT.
    """
    from accord.depends_on import central_for_project
    from accord.project import load_project
    from accord.rules.check import check_project

    central, notes = central_for_project(requirements or Path(), project)
    findings = check_project(load_project(project, central.config), central)
    title = f"check {project}"
    if central.commit is not None:
        title += f" against {central.root} at {central.commit[:12]} (Depends-On)"
    finish(
        "check",
        [*findings, *notes],
        output_format,
        title,
        central={"path": str(central.root), "commit": central.commit},
    )


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@requirements_option
@format_option
@click.option("--diff", is_flag=True, help="Show a unified diff; write nothing.")
@click.option(
    "--check", "check_only", is_flag=True, help="Exit 1 if sync would change a file."
)
@click.option(
    "--prune", is_flag=True, help="Remove lines naming libraries not in the list."
)
def sync(
    project: Path,
    requirements: Path | None,
    output_format: str,
    diff: bool,
    check_only: bool,
    prune: bool,
) -> None:
    """Rewrite a project's requirement sources to honour the global list."""
    from accord.central import load_central_repo
    from accord.project import load_project
    from accord.report.render import render_sync
    from accord.sync.apply import write_updates
    from accord.sync.plan import plan_sync

    central = load_central_repo(requirements or Path())
    plan = plan_sync(load_project(project, central.config), central, prune=prune)
    write = not (diff or check_only or plan.blocked)
    if write:
        write_updates(project, plan.updates)
    click.echo(render_sync(plan, output_format, project, written=write, diff=diff))
    failed = has_errors(plan.findings) or (check_only and bool(plan.updates))
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@cli.command("who-uses")
@click.argument("name")
@requirements_option
@format_option
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where projects.txt entries live.",
)
def who_uses(
    name: str, requirements: Path | None, output_format: str, workspace: Path | None
) -> None:
    """Every project, file and line that uses library NAME."""
    from accord.central import load_central_repo
    from accord.fleet import fleet_members
    from accord.report.render import render_users
    from accord.usage import find_users

    central = load_central_repo(requirements or Path())
    users, problems = find_users(central, fleet_members(central, workspace), name)
    click.echo(render_users(name, users, problems, output_format))
    sys.exit(EXIT_OK)
