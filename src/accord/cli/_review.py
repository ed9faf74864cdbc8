"""`accord review`: the new-library review, as Markdown or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.index.client import IndexClient

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, cli, requirements_option

PYPI_SIMPLE = "https://pypi.org/simple/"
PYPI_JSON = "https://pypi.org/pypi/"


@cli.command("review")
@click.argument("targets", nargs=-1, required=True, metavar="NAME[==VERSION]...")
@requirements_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--index-url", default=None, help="Simple API (default: accord.toml, PyPI)."
)
@click.option(
    "--pypi-json-url",
    default=None,
    help="PyPI-style JSON API (default: PyPI's /pypi/).",
)
@click.option(
    "--distro-index",
    "distro_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A Debian Packages/Sources file (repeatable; default: apt's lists).",
)
@click.option(
    "--compare/--no-compare",
    default=True,
    help="Fetch the central libraries' metadata to look for duplicates.",
)
def review(
    targets: tuple[str, ...],
    requirements: Path | None,
    output_format: str,
    index_url: str | None,
    pypi_json_url: str | None,
    distro_files: tuple[Path, ...],
    compare: bool,
) -> None:
    """Review libraries proposed for the global list, one verdict per criterion."""
    from accord.central import load_central_repo
    from accord.report.review import as_dict, render_markdown
    from accord.review import (
        PageMemo,
        central_metadata,
        comparable_names,
        distro_sources,
        pinned,
        review_many,
    )

    central = load_central_repo(requirements or Path())
    client = _client(central, index_url, pypi_json_url)
    sources, names = distro_sources(distro_files, client.cache_dir.parent / "distro")
    memo = PageMemo(client)
    compare_with = (
        central_metadata(
            client, comparable_names(central), memo=memo, pins=pinned(central)
        )
        if compare
        else {}
    )
    reports = review_many(
        targets, central, client, sources, names, compare_with, memo=memo
    )
    failed = any(c.verdict == "fail" for _, criteria in reports for c in criteria)
    if output_format == "json":
        documents = [as_dict(ev, criteria) for ev, criteria in reports]
        payload: object = documents[0] if len(documents) == 1 else documents
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo("\n".join(render_markdown(ev, criteria) for ev, criteria in reports))
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@cli.command("review-change")
@click.argument("repo", required=False, type=click.Path(path_type=Path))
@requirements_option
@click.option(
    "--base", default=None, help="Compare with REF (default: upstream, else HEAD~1)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("--index-url", default=None)
@click.option("--pypi-json-url", default=None)
@click.option(
    "--distro-index",
    "distro_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
)
@click.option(
    "--workspace", type=click.Path(path_type=Path, file_okay=False), default=None
)
def review_change(
    repo: Path | None,
    requirements: Path | None,
    base: str | None,
    output_format: str,
    index_url: str | None,
    pypi_json_url: str | None,
    distro_files: tuple[Path, ...],
    workspace: Path | None,
) -> None:
    """Review a change to the central files: one report for the whole change."""
    from accord.central import load_central_repo
    from accord.report.review import render_change_json, render_change_markdown
    from accord.review import distro_sources, review_central_change

    root = repo or requirements or Path()
    if not (root / ".git").exists():
        raise click.UsageError(f"{root} is not a git repository")
    central = load_central_repo(root)
    client = _client(central, index_url, pypi_json_url)
    sources, names = distro_sources(distro_files, client.cache_dir.parent / "distro")
    report = review_central_change(root, base, client, sources, names, workspace)
    if output_format == "json":
        click.echo(render_change_json(report))
    else:
        click.echo(render_change_markdown(report))
    sys.exit(EXIT_FINDINGS if report.failed else EXIT_OK)


def _client(
    central: CentralRepo, index_url: str | None, pypi_json_url: str | None
) -> IndexClient:
    from accord.index.client import IndexClient

    settings = central.config.resolution.index
    simple = index_url or settings.url or PYPI_SIMPLE
    json_url = pypi_json_url or settings.pypi_json_url
    if json_url is None and simple == PYPI_SIMPLE:
        json_url = PYPI_JSON
    return IndexClient(simple, json_url)
