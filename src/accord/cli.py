"""The ``accord`` command: parse arguments, call the core, render, exit.

Exit status: 0 fine (warnings allowed), 1 findings of error severity or a
failed operation, 2 bad usage or unreadable input. Errors become exit codes
in one place, :func:`main`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from accord import __version__
from accord.errors import AccordError
from accord.findings import Finding, has_errors

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


def requirements_option(function: F) -> F:
    return click.option(
        "--requirements",
        "requirements",
        type=click.Path(path_type=Path),
        default=None,
        metavar="REPO",
        help="The requirements repo holding the central files "
        "(default: the current directory).",
    )(function)


def format_option(function: F) -> F:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="table for people, json for machines.",
    )(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def cli() -> None:
    """Keep many Python projects on one coherent, reviewed set of dependencies."""


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
    _finish("validate", findings, output_format, f"validate {root}")


@cli.command()
@click.argument("project", type=click.Path(path_type=Path))
@requirements_option
@format_option
def check(project: Path, requirements: Path | None, output_format: str) -> None:
    """Check a project's requirements against the central files (rules C*).

    Paths in the output are relative to PROJECT.
    """
    from accord.central import load_central_repo
    from accord.project import load_project
    from accord.rules.check import check_project

    central = load_central_repo(requirements or Path())
    findings = check_project(load_project(project, central.config), central)
    _finish("check", findings, output_format, f"check {project}")


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


def _finish(
    command: str, findings: Sequence[Finding], output_format: str, title: str
) -> None:
    from accord.report.render import render_json, render_table

    if output_format == "json":
        click.echo(render_json(command, findings))
    else:
        render_table(findings, sys.stdout, title)
    sys.exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="accord", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("accord: aborted", err=True)
        return EXIT_BAD_INPUT
    except AccordError as error:
        click.echo(f"accord: error: {error}", err=True)
        return EXIT_BAD_INPUT
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
