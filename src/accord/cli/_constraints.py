"""Commands that resolve: constraints generate/bump/verify, coinstall, lower-bounds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    check_pythons,
    cli,
    finish,
    format_option,
    index_options,
    index_settings,
    progress,
    requirements_option,
    resolver_for,
)
from accord.errors import AccordError
from accord.findings import Finding


@cli.group()
def constraints() -> None:
    """Generate and maintain the exact pins (upper-constraints.txt)."""


@constraints.command("generate")
@requirements_option
@format_option
@index_options
@click.option(
    "--python",
    "pythons",
    multiple=True,
    metavar="X.Y",
    help="Resolve for this Python (repeatable; default: python-versions).",
)
@click.option(
    "--output",
    default=None,
    metavar="FILE",
    help="Write here instead of the repo's upper-constraints.txt ('-': stdout).",
)
@click.option("--diff", is_flag=True, help="Show the change; write nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def constraints_generate(
    requirements: Path | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
    pythons: tuple[str, ...],
    output: str | None,
    diff: bool,
    jobs: int | None,
) -> None:
    """Resolve the global list once per Python and merge the pins."""
    from accord.central import UPPER_CONSTRAINTS, load_central_repo
    from accord.files import write_atomic
    from accord.report.constraints import render_generated
    from accord.resolve.generate import generate
    from accord.resolve.uv import UvResolver

    root = requirements or Path()
    central = load_central_repo(root)
    settings = central.config.resolution
    index = index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    targets = pythons or central.config.python_versions
    check_pythons(targets)
    resolver = UvResolver(index, settings.platform, settings.static_metadata, root)
    with progress(len(targets)) as advance:
        result = generate(
            central, targets, resolver, jobs or len(targets), lambda _: advance()
        )
    target = root / UPPER_CONSTRAINTS if output in (None, "") else Path(output)
    old_text = central.constraints.file.text if central.constraints else ""
    written = None
    if result.text is not None and not diff:
        if output == "-":
            click.echo(result.text, nl=False)
        else:
            write_atomic(target, result.text)
            written = str(target)
    report = render_generated(result, output_format, old_text, written, diff)
    if report:
        click.echo(report, err=output == "-")
    sys.exit(EXIT_FINDINGS if result.failures else EXIT_OK)


@constraints.command("bump")
@click.argument("names", nargs=-1)
@click.option("--all", "bump_all", is_flag=True, help="Move every pin that can move.")
@click.option(
    "--stable",
    is_flag=True,
    help="A stable branch: only the organisation's own libraries may move.",
)
@click.option("--force", is_flag=True, help="With --stable, move other libraries too.")
@click.option(
    "--propose",
    is_flag=True,
    help="Commit the bump in the requirements repo (one commit per library).",
)
@click.option("--group", is_flag=True, help="With --propose, one commit for all.")
@requirements_option
@format_option
@index_options
@click.option("--python", "pythons", multiple=True, metavar="X.Y")
@click.option("--diff", is_flag=True, help="Show the change; write nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def constraints_bump(
    names: tuple[str, ...],
    bump_all: bool,
    stable: bool,
    force: bool,
    propose: bool,
    group: bool,
    requirements: Path | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
    pythons: tuple[str, ...],
    diff: bool,
    jobs: int | None,
) -> None:
    """Move NAME... (or --all) to the newest versions the list and holds allow."""
    from accord.central import UPPER_CONSTRAINTS, load_central_repo
    from accord.files import write_atomic
    from accord.report.constraints import render_generated
    from accord.resolve.generate import generate
    from accord.resolve.stable import refuse_on_stable
    from accord.resolve.uv import UvResolver

    if bool(names) == bump_all:
        raise click.UsageError("name the libraries to bump, or pass --all (not both)")
    root = requirements or Path()
    if propose and not (root / ".git").exists():
        raise click.UsageError(f"--propose needs {root} to be a git repository")
    central = load_central_repo(root)
    if stable and not force:
        refused = refuse_on_stable(central, names, bump_all)
        if refused:
            raise click.UsageError(refused)
    settings = central.config.resolution
    index = index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    targets = pythons or central.config.python_versions
    check_pythons(targets)
    resolver = UvResolver(index, settings.platform, settings.static_metadata, root)
    with progress(len(targets)) as advance:
        result = generate(
            central,
            targets,
            resolver,
            jobs or len(targets),
            lambda _: advance(),
            upgrade=names,
            upgrade_all=bump_all,
        )
    old_text = central.constraints.file.text if central.constraints else ""
    written = None
    commits: list[str] = []
    if result.text is not None and not diff:
        if propose:
            from accord.resolve.bump_commits import commit_bump

            commits = commit_bump(root, central, result, group)
        else:
            write_atomic(root / UPPER_CONSTRAINTS, result.text)
        written = str(root / UPPER_CONSTRAINTS)
    click.echo(render_generated(result, output_format, old_text, written, diff))
    for sha in commits:
        click.echo(f"committed {sha[:12]}", err=output_format == "json")
    sys.exit(EXIT_FINDINGS if result.failures else EXIT_OK)


@constraints.command("verify")
@requirements_option
@format_option
@index_options
@click.option("--python", "pythons", multiple=True, metavar="X.Y")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def constraints_verify(
    requirements: Path | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
    pythons: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Check that the pins install together and are complete, per Python."""
    from accord.central import load_central_repo
    from accord.resolve.uv import UvResolver
    from accord.resolve.verify import verify_constraints

    root = requirements or Path()
    central = load_central_repo(root)
    settings = central.config.resolution
    index = index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    targets = pythons or central.config.python_versions
    check_pythons(targets)
    resolver = UvResolver(index, settings.platform, settings.static_metadata, root)
    with progress(len(targets)) as advance:
        findings = verify_constraints(
            central, targets, resolver, jobs or len(targets), lambda _: advance()
        )
    finish("constraints verify", findings, output_format, f"verify {root}")


@cli.command("coinstall")
@requirements_option
@format_option
@index_options
@click.option("--python", "pythons", multiple=True, metavar="X.Y")
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where projects.txt entries live.",
)
@click.option("--with-tests", is_flag=True, help="Include the projects' test sources.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def coinstall_command(
    requirements: Path | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
    pythons: tuple[str, ...],
    workspace: Path | None,
    with_tests: bool,
    jobs: int | None,
) -> None:
    """Can every project in projects.txt install into one environment?"""
    from accord.central import load_central_repo
    from accord.fleet import fleet_members
    from accord.project import load_project
    from accord.resolve.together import coinstall

    root = requirements or Path()
    central = load_central_repo(root)
    targets = pythons or central.config.python_versions
    check_pythons(targets)
    projects = []
    findings: list[Finding] = []
    for member in fleet_members(central, workspace):
        try:
            projects.append((member.name, load_project(member.path, central.config)))
        except AccordError as error:
            findings.append(
                Finding("K002", "error", member.name, None, f"not read: {error}")
            )
    resolver = resolver_for(
        central, root, index_url, extra_index_url, find_links, no_index
    )
    with progress(len(targets)) as advance:
        findings += coinstall(
            central,
            projects,
            targets,
            resolver,
            with_tests,
            jobs or len(targets),
            lambda _: advance(),
        )
    finish("coinstall", findings, output_format, f"coinstall {root}")


@cli.command("lower-bounds")
@click.argument("project", type=click.Path(path_type=Path))
@requirements_option
@format_option
@index_options
@click.option("--python", "pythons", multiple=True, metavar="X.Y")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def lower_bounds_command(
    project: Path,
    requirements: Path | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
    pythons: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Do PROJECT's declared minimums install together, on each Python?"""
    from accord.central import load_central_repo
    from accord.project import load_project
    from accord.resolve.together import lower_bounds

    root = requirements or Path()
    central = load_central_repo(root)
    targets = pythons or central.config.python_versions
    check_pythons(targets)
    loaded = load_project(project, central.config)
    resolver = resolver_for(
        central, root, index_url, extra_index_url, find_links, no_index
    )
    with progress(len(targets)) as advance:
        findings = lower_bounds(
            central,
            loaded,
            targets,
            resolver,
            jobs or len(targets),
            lambda _: advance(),
        )
    finish("lower-bounds", findings, output_format, f"lower-bounds {project}")
