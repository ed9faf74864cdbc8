"""`accord review`: the new-library review, as Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.index.client import IndexClient

PYPI_SIMPLE = "https://pypi.org/simple/"
PYPI_JSON = "https://pypi.org/pypi/"


def review(
    targets: Sequence[str],
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    pypi_json_url: str | None,
    distro_files: Sequence[Path],
    compare: bool,
) -> int:
    from accord.central import load_central_repo
    from accord.locate import requirements_repo
    from accord.report.review import as_dict, render_markdown
    from accord.review import (
        PageMemo,
        central_metadata,
        comparable_names,
        distro_sources,
        pinned,
        review_many,
    )

    central = load_central_repo(requirements_repo(requirements))
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
        print(json.dumps(payload, indent=2))
    else:
        print("\n".join(render_markdown(ev, criteria) for ev, criteria in reports))
    return EXIT_FINDINGS if failed else EXIT_OK


def review_change(
    repo: str | None,
    requirements: str | None,
    base: str | None,
    output_format: str,
    index_url: str | None,
    pypi_json_url: str | None,
    distro_files: Sequence[Path],
    workspace: Path | None,
) -> int:
    from accord.central import load_central_repo
    from accord.locate import requirements_repo
    from accord.report.review import render_change_json, render_change_markdown
    from accord.review import distro_sources, review_central_change

    root = requirements_repo(
        repo or requirements,
        local_only="review-change reviews the change in a work tree of your own",
    )
    if not (root / ".git").exists():
        raise UsageError(f"{root} is not a git repository")
    central = load_central_repo(root)
    client = _client(central, index_url, pypi_json_url)
    sources, names = distro_sources(distro_files, client.cache_dir.parent / "distro")
    report = review_central_change(root, base, client, sources, names, workspace)
    if output_format == "json":
        print(render_change_json(report))
    else:
        print(render_change_markdown(report))
    return EXIT_FINDINGS if report.failed else EXIT_OK


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
