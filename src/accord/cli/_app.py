"""The ``accord`` group, the options commands share, and output helpers."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from accord import __version__
from accord.findings import Finding, has_errors

if TYPE_CHECKING:
    from accord._config_resolution import IndexSettings
    from accord.central import CentralRepo
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


# Each command's module, imported only when that command runs (or for
# --help): a CI check should not pay for importing the resolver commands.
COMMAND_MODULES = {
    "validate": "_central",
    "check": "_central",
    "sync": "_central",
    "who-uses": "_central",
    "fleet": "_fleet",
    "constraints": "_constraints",
    "coinstall": "_constraints",
    "lower-bounds": "_constraints",
    "propose": "_propose",
    "review": "_review",
    "review-change": "_review",
}


class LazyGroup(click.Group):
    """A group whose commands register themselves when their module loads."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"accord.cli.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="accord")
def cli() -> None:
    """Keep many Python projects on one coherent, reviewed set of dependencies."""


@contextlib.contextmanager
def progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; nothing when output is piped."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=None) as progress:
        task = progress.add_task("projects", total=total)
        yield lambda: progress.advance(task)


def resolver_for(
    central: CentralRepo,
    root: Path,
    index_url: str | None,
    extra_index_url: tuple[str, ...],
    find_links: tuple[str, ...],
    no_index: bool | None,
    pythons: Sequence[str] = (),
) -> UvResolver:
    from accord.resolve.uv import UvResolver

    settings = central.config.resolution
    index = index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    return UvResolver(
        index, settings.platform, settings.static_metadata, root, pythons=pythons
    )


def index_settings(
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


def check_pythons(pythons: Sequence[str]) -> None:
    import re

    for python in pythons:
        if not re.fullmatch(r"[23]\.\d{1,2}", python):
            raise click.BadParameter(
                f"{python!r} is not a Python version such as 3.12",
                param_hint="--python",
            )


def finish(
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
