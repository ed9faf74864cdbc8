"""The ``accord`` command: parse arguments, call the core, render, exit.

Exit status: 0 fine (warnings allowed), 1 findings of error severity or a
failed operation, 2 bad usage or unreadable input. Errors become exit codes
in one place, :func:`main`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from accord import __version__
from accord.errors import AccordError
from accord.findings import Finding, has_errors

if TYPE_CHECKING:
    from accord._config_resolution import IndexSettings
    from accord.central import CentralRepo
    from accord.fleet import Outcome, SyncOptions
    from accord.resolve.uv import UvResolver

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
    from accord.depends_on import central_for_project
    from accord.project import load_project
    from accord.rules.check import check_project

    central, notes = central_for_project(requirements or Path(), project)
    findings = check_project(load_project(project, central.config), central)
    title = f"check {project}"
    if central.commit is not None:
        title += f" against {central.root} at {central.commit[:12]} (Depends-On)"
    _finish(
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
    with _progress(len(members)) as advance:
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


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; nothing when output is piped."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=None) as progress:
        task = progress.add_task("projects", total=total)
        yield lambda: progress.advance(task)


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


@cli.group()
def constraints() -> None:
    """Generate and maintain the exact pins (upper-constraints.txt)."""


def index_options(function: F) -> F:
    function = click.option(
        "--index-url",
        default=None,
        help="Package index (default: accord.toml, then PyPI).",
    )(function)
    function = click.option(
        "--extra-index-url", multiple=True, help="Another index to search."
    )(function)
    function = click.option(
        "--find-links", multiple=True, help="A directory or page of distributions."
    )(function)
    return click.option(
        "--no-index", is_flag=True, default=None, help="Use only --find-links."
    )(function)


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
    index = _index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    targets = pythons or central.config.python_versions
    _check_pythons(targets)
    resolver = UvResolver(index, settings.platform, settings.static_metadata, root)
    with _progress(len(targets)) as advance:
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
    central = load_central_repo(root)
    if stable and not force:
        refused = refuse_on_stable(central, names, bump_all)
        if refused:
            raise click.UsageError(refused)
    settings = central.config.resolution
    index = _index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    targets = pythons or central.config.python_versions
    _check_pythons(targets)
    resolver = UvResolver(index, settings.platform, settings.static_metadata, root)
    with _progress(len(targets)) as advance:
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
    if result.text is not None and not diff:
        write_atomic(root / UPPER_CONSTRAINTS, result.text)
        written = str(root / UPPER_CONSTRAINTS)
    click.echo(render_generated(result, output_format, old_text, written, diff))
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
    index = _index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    targets = pythons or central.config.python_versions
    _check_pythons(targets)
    resolver = UvResolver(index, settings.platform, settings.static_metadata, root)
    with _progress(len(targets)) as advance:
        findings = verify_constraints(
            central, targets, resolver, jobs or len(targets), lambda _: advance()
        )
    _finish("constraints verify", findings, output_format, f"verify {root}")


def _resolver_for(
    central: CentralRepo,
    root: Path,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
) -> UvResolver:
    from accord.resolve.uv import UvResolver

    settings = central.config.resolution
    index = _index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    return UvResolver(index, settings.platform, settings.static_metadata, root)


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
    _check_pythons(targets)
    projects = []
    findings: list[Finding] = []
    for member in fleet_members(central, workspace):
        try:
            projects.append((member.name, load_project(member.path, central.config)))
        except AccordError as error:
            findings.append(
                Finding("K002", "error", member.name, None, f"not read: {error}")
            )
    resolver = _resolver_for(
        central, root, index_url, extra_index_url, find_links, no_index
    )
    with _progress(len(targets)) as advance:
        findings += coinstall(
            central,
            projects,
            targets,
            resolver,
            with_tests,
            jobs or len(targets),
            lambda _: advance(),
        )
    _finish("coinstall", findings, output_format, f"coinstall {root}")


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
    _check_pythons(targets)
    loaded = load_project(project, central.config)
    resolver = _resolver_for(
        central, root, index_url, extra_index_url, find_links, no_index
    )
    with _progress(len(targets)) as advance:
        findings = lower_bounds(
            central,
            loaded,
            targets,
            resolver,
            jobs or len(targets),
            lambda _: advance(),
        )
    _finish("lower-bounds", findings, output_format, f"lower-bounds {project}")


def _index_settings(
    base: IndexSettings,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
) -> IndexSettings:
    from dataclasses import replace

    return replace(
        base,
        url=index_url or base.url,
        extra_urls=extra_index_url or base.extra_urls,
        find_links=tuple(str(Path(link).resolve()) for link in find_links)
        or base.find_links,
        no_index=base.no_index if no_index is None else no_index,
    )


def _check_pythons(pythons: Sequence[str]) -> None:
    import re

    for python in pythons:
        if not re.fullmatch(r"[23]\.\d{1,2}", python):
            raise click.BadParameter(
                f"{python!r} is not a Python version such as 3.12",
                param_hint="--python",
            )


def _finish(
    command: str,
    findings: Sequence[Finding],
    output_format: str,
    title: str,
    **extra: object,
) -> None:
    from accord.findings import sort_findings
    from accord.report.render import render_json, render_table

    findings = sort_findings(findings)
    if output_format == "json":
        click.echo(render_json(command, findings, **extra))
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
