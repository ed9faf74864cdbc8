"""`accord review`: the new-library review, as Markdown or JSON."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    progress,
    say,
)
from accord.index._errors import IndexUnavailable

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.index.client import IndexClient

PYPI_SIMPLE = "https://pypi.org/simple/"
PYPI_JSON = "https://pypi.org/pypi/"


def _index_failure_fails(run: Callable[..., int]) -> Callable[..., int]:
    """An index that cannot be read (down, too slow, too large, past the
    time budget) is a failed operation: one line, exit 1."""

    @functools.wraps(run)
    def guarded(*args: object, **options: object) -> int:
        try:
            return run(*args, **options)
        except IndexUnavailable as error:
            say(f"error: {error}")
            return EXIT_FINDINGS

    return guarded


@_index_failure_fails
def review(
    targets: Sequence[str],
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    pypi_json_url: str | None,
    distro_files: Sequence[Path],
    compare: bool,
    save: bool = False,
) -> int:
    from accord.central import load_central_repo
    from accord.locate import requirements_repo
    from accord.report.review import render_reviews_json, render_reviews_markdown
    from accord.review import (
        NotReviewed,
        PageMemo,
        Review,
        distro_sources,
        parse_target,
        review_many,
    )
    from accord.review_compare import central_metadata, compared_libraries
    from accord.unreadable import refuse_unreadable_named

    for target in targets:
        parse_target(target)  # a malformed one is bad usage: nothing is fetched
    local_only = "--save writes reviews/ into it" if save else None
    central = load_central_repo(requirements_repo(requirements, local_only=local_only))
    refuse_unreadable_named(central, (parse_target(t)[0] for t in targets))
    client = _client(central, index_url, pypi_json_url)
    sources, names = distro_sources(
        distro_files, client.cache_dir.parent / "distro", central, client.fetcher
    )
    memo = PageMemo(client)
    compare_with = {}
    central_names = None
    if compare:
        central_names, compared = compared_libraries(central, client.cache_dir.parent)
        pins = {name: pin for name, pin in compared.items() if pin is not None}
        with progress(len(compared), "central libraries") as advance:
            compare_with = central_metadata(
                client, list(compared), memo=memo, pins=pins, on_done=advance
            )
    results = review_many(
        targets,
        central,
        client,
        sources,
        names,
        compare_with,
        memo=memo,
        central_names=central_names,
    )
    if output_format == "json":
        print(render_reviews_json(results))
    else:
        print(render_reviews_markdown(results))
    if save:
        from accord.cli._globals import is_quiet
        from accord.review_store import save_reviews

        for path in save_reviews(central.root, results):
            if not is_quiet():
                print(f"accord: saved {path}", file=sys.stderr)
    unknown = [r for r in results if isinstance(r, NotReviewed)]
    for missing in unknown:
        say(f"error: {missing.message}")
    failed = any(
        c.verdict == "fail"
        for r in results
        if isinstance(r, Review)
        for c in r.criteria
    )
    # A name or version the index lacks is a review that could not be done:
    # a failed operation, as a failed criterion is a finding (both exit 1).
    return EXIT_FINDINGS if failed or unknown else EXIT_OK


@_index_failure_fails
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
    from accord.review import comparable_names, distro_sources
    from accord.review_change import review_central_change

    root = requirements_repo(
        repo or requirements,
        local_only="review-change reviews the change in a work tree of your own",
    )
    if not (root / ".git").exists():
        raise UsageError(f"{root} is not a git repository")
    central = load_central_repo(root)
    client = _client(central, index_url, pypi_json_url)
    sources, names = distro_sources(
        distro_files, client.cache_dir.parent / "distro", central, client.fetcher
    )
    with progress(len(comparable_names(central)), "central libraries") as advance:
        report = review_central_change(
            root, base, client, sources, names, workspace, advance
        )
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
    client = IndexClient(simple, json_url)
    budget = central.config.resolution.review.time_budget
    if budget:
        client.limit_time(budget, "[review] time-budget")
    return client
