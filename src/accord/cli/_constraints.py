"""Commands that resolve: constraints generate/bump/verify, coinstall, lower-bounds."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    check_pythons,
    cli,
    finish,
    format_option,
    index_options,
    progress,
    requirements_option,
    resolver_for,
)
from accord.errors import AccordError
from accord.findings import Finding

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.resolve.generate import Generated
    from accord.resolve.uv import UvResolver


@dataclass(frozen=True)
class Resolving:
    """What every resolving command starts from, built from its options."""

    root: Path
    central: CentralRepo
    pythons: tuple[str, ...]
    resolver: UvResolver
    jobs: int


def resolving_options(function: Callable[..., None]) -> Callable[..., None]:
    """The shared options (repo, format, index, --python, --jobs), turned into
    one ``resolving`` argument when the command runs."""

    @functools.wraps(function)
    def command(
        *args: Any,
        requirements: Path | None,
        index_url: str | None,
        extra_index_url: tuple[str, ...],
        find_links: tuple[str, ...],
        no_index: bool | None,
        pythons: tuple[str, ...],
        jobs: int | None,
        **kwargs: Any,
    ) -> None:
        from accord.central import load_central_repo

        root = requirements or Path()
        central = load_central_repo(root)
        targets = tuple(pythons or central.config.python_versions)
        check_pythons(targets)
        resolver = resolver_for(
            central, root, index_url, extra_index_url, find_links, no_index, targets
        )
        resolving = Resolving(root, central, targets, resolver, jobs or len(targets))
        with resolver:
            function(*args, resolving=resolving, **kwargs)

    command = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)(
        command
    )
    command = click.option(
        "--python",
        "pythons",
        multiple=True,
        metavar="X.Y",
        help="Resolve for this Python (repeatable; default: python-versions).",
    )(command)
    return format_option(requirements_option(index_options(command)))


@cli.group()
def constraints() -> None:
    """Generate and maintain the exact pins (upper-constraints.txt)."""


@constraints.command("generate")
@resolving_options
@click.option(
    "--output",
    default=None,
    metavar="FILE",
    help="Write here instead of the repo's upper-constraints.txt ('-': stdout).",
)
@click.option("--diff", is_flag=True, help="Show the change; write nothing.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Resolve even if every input is what produced the current pins.",
)
def constraints_generate(
    resolving: Resolving,
    output_format: str,
    output: str | None,
    diff: bool,
    refresh: bool,
) -> None:
    """Resolve the global list once per Python and merge the pins."""
    from accord.central import UPPER_CONSTRAINTS, load_central_repo
    from accord.files import write_atomic
    from accord.index.client import default_cache_dir
    from accord.resolve.generate import build_requests, generate, unchanged_result
    from accord.resolve.merge import sort_pythons
    from accord.resolve.stamp import StampStore, generation_stamp

    central = resolving.central
    requests = build_requests(
        central, sort_pythons(resolving.pythons), central.config.resolution.holds
    )
    stamp = generation_stamp(requests, resolving.resolver.identity())
    store = StampStore(default_cache_dir().parent / "generate")
    current = central.constraints.file.text if central.constraints else None
    if not refresh and store.unchanged(resolving.root, stamp, current):
        click.echo(
            "every input is what produced the current pins: nothing to resolve "
            "(--refresh resolves anyway)",
            err=True,
        )
        result = unchanged_result(central)
    else:
        with progress(len(resolving.pythons)) as advance:
            result = generate(
                central,
                resolving.pythons,
                resolving.resolver,
                resolving.jobs,
                lambda _: advance(),
            )
    target = (
        resolving.root / UPPER_CONSTRAINTS if output in (None, "") else Path(output)
    )
    written = None
    if result.text is not None and not diff:
        if output == "-":
            click.echo(result.text, nl=False)
        else:
            write_atomic(target, result.text)
            written = str(target)
            if target == resolving.root / UPPER_CONSTRAINTS:
                # The stamp of the inputs that produce this file: the file
                # becomes the next run's preferences, so stamp those.
                after = build_requests(
                    load_central_repo(resolving.root),
                    sort_pythons(resolving.pythons),
                    central.config.resolution.holds,
                )
                store.remember(
                    resolving.root,
                    generation_stamp(after, resolving.resolver.identity()),
                    result.text,
                )
    _report(resolving, result, output_format, written, diff, to_stderr=output == "-")


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
@click.option("--diff", is_flag=True, help="Show the change; write nothing.")
@resolving_options
def constraints_bump(
    names: tuple[str, ...],
    bump_all: bool,
    stable: bool,
    force: bool,
    propose: bool,
    group: bool,
    diff: bool,
    resolving: Resolving,
    output_format: str,
) -> None:
    """Move NAME... (or --all) to the newest versions the list and holds allow."""
    from accord.central import UPPER_CONSTRAINTS
    from accord.files import write_atomic
    from accord.resolve.bump_commits import commit_bump
    from accord.resolve.generate import generate
    from accord.resolve.stable import refuse_on_stable

    root, central = resolving.root, resolving.central
    if bool(names) == bump_all:
        raise click.UsageError("name the libraries to bump, or pass --all (not both)")
    if propose and not (root / ".git").exists():
        raise click.UsageError(f"--propose needs {root} to be a git repository")
    if stable and not force:
        refused = refuse_on_stable(central, names, bump_all)
        if refused:
            raise click.UsageError(refused)
    with progress(len(resolving.pythons)) as advance:
        result = generate(
            central,
            resolving.pythons,
            resolving.resolver,
            resolving.jobs,
            lambda _: advance(),
            upgrade=names,
            upgrade_all=bump_all,
        )
    written = None
    commits: list[str] = []
    if result.text is not None and not diff:
        if propose:
            commits = commit_bump(root, central, result, group)
        else:
            write_atomic(root / UPPER_CONSTRAINTS, result.text)
        written = str(root / UPPER_CONSTRAINTS)
    for sha in commits:
        click.echo(f"committed {sha[:12]}", err=True)
    _report(resolving, result, output_format, written, diff)


def _report(
    resolving: Resolving,
    result: Generated,
    output_format: str,
    written: str | None,
    diff: bool,
    to_stderr: bool = False,
) -> None:
    from accord.report.constraints import render_generated

    constraints = resolving.central.constraints
    old_text = constraints.file.text if constraints else ""
    report = render_generated(result, output_format, old_text, written, diff)
    if report:
        click.echo(report, err=to_stderr)
    sys.exit(EXIT_FINDINGS if result.failures else EXIT_OK)


@constraints.command("verify")
@resolving_options
def constraints_verify(resolving: Resolving, output_format: str) -> None:
    """Check that the pins install together and are complete, per Python."""
    from accord.index.client import IndexClient
    from accord.resolve.verify import verify_constraints, yanked_pins

    with progress(len(resolving.pythons)) as advance:
        findings = verify_constraints(
            resolving.central,
            resolving.pythons,
            resolving.resolver,
            resolving.jobs,
            lambda _: advance(),
        )
    index = resolving.resolver.index
    if not index.no_index:  # yanked is a property of an index's pages
        client = IndexClient(index.url or "https://pypi.org/simple/", None)
        findings += yanked_pins(resolving.central, client)
    finish("constraints verify", findings, output_format, f"verify {resolving.root}")


@cli.command("coinstall")
@resolving_options
@click.option(
    "--workspace",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where projects.txt entries live.",
)
@click.option("--with-tests", is_flag=True, help="Include the projects' test sources.")
def coinstall_command(
    resolving: Resolving, output_format: str, workspace: Path | None, with_tests: bool
) -> None:
    """Can every project in projects.txt install into one environment?"""
    from accord.fleet import fleet_members
    from accord.project import load_project
    from accord.resolve.together import coinstall

    central = resolving.central
    projects = []
    findings: list[Finding] = []
    for member in fleet_members(central, workspace):
        try:
            projects.append((member.name, load_project(member.path, central.config)))
        except AccordError as error:
            findings.append(
                Finding("K002", "error", member.name, None, f"not read: {error}")
            )
    with progress(len(resolving.pythons)) as advance:
        findings += coinstall(
            central,
            projects,
            resolving.pythons,
            resolving.resolver,
            with_tests,
            resolving.jobs,
            lambda _: advance(),
        )
    finish("coinstall", findings, output_format, f"coinstall {resolving.root}")


@cli.command("lower-bounds")
@click.argument("project", type=click.Path(path_type=Path))
@resolving_options
def lower_bounds_command(
    project: Path, resolving: Resolving, output_format: str
) -> None:
    """Do PROJECT's declared minimums install together, on each Python?"""
    from accord.project import load_project
    from accord.resolve.together import lower_bounds

    loaded = load_project(project, resolving.central.config)
    with progress(len(resolving.pythons)) as advance:
        findings = lower_bounds(
            resolving.central,
            loaded,
            resolving.pythons,
            resolving.resolver,
            resolving.jobs,
            lambda _: advance(),
        )
    finish("lower-bounds", findings, output_format, f"lower-bounds {project}")
