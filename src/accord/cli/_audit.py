"""`accord audit`: the pins under watch (vulnerabilities, project status,
yanks, licence drift, unmaintained libraries), reported as findings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord.cli._app import EXIT_FINDINGS, finish, progress, say


def audit_command(
    requirements: str | None,
    output_format: str,
    branches: Sequence[str],
    osv_url: str | None,
    index_url: str | None,
    pypi_json_url: str | None,
    ignore: Sequence[str],
    jobs: int,
    distro_files: Sequence[Path] = (),
) -> int:
    from accord.audit import audit, plan_audit
    from accord.audit.osv import DEFAULT_OSV_URL, OsvClient
    from accord.central import load_central_repo
    from accord.cli._globals import is_quiet
    from accord.cli._review import PYPI_JSON, PYPI_SIMPLE
    from accord.index._errors import IndexUnavailable
    from accord.index.client import IndexClient
    from accord.locate import requirements_repo
    from accord.review_store import load_reviews

    root = requirements_repo(requirements)
    central = load_central_repo(root)
    settings = central.config.resolution
    simple = index_url or settings.index.url or PYPI_SIMPLE
    json_url = pypi_json_url or settings.index.pypi_json_url
    if json_url is None and simple.rstrip("/") == PYPI_SIMPLE.rstrip("/"):
        json_url = PYPI_JSON
    client = IndexClient(simple, json_url, max_workers=jobs)
    osv = OsvClient(
        client.fetcher,
        osv_url or settings.audit.osv_url or DEFAULT_OSV_URL,
        store=client.cache_dir.parent / "osv",
        workers=jobs,
    )

    def note(message: str) -> None:
        if not is_quiet():
            say(f"note: {message}")

    plan = plan_audit(central, branches)
    reviews = load_reviews(central.root)
    distros = None
    if reviews:  # the distro lists are read only to ask their question again
        from accord.review import distro_sources

        cache = client.cache_dir.parent / "distro"
        distros, _ = distro_sources(distro_files, cache, central, client.fetcher)
    try:
        with progress(len(plan.keys), "pinned releases") as advance:
            report = audit(
                central,
                client,
                osv,
                ignore=ignore,
                workers=jobs,
                note=note,
                on_done=advance,
                plan=plan,
                reviews=reviews,
                distros=distros,
            )
    except IndexUnavailable as error:  # the index as a whole: a failed run
        say(f"error: {error}")
        return EXIT_FINDINGS
    on = f" ({', '.join(report.branches)})" if report.branches else ""
    title = f"audit {root}{on}: {report.pins} pins, {report.releases} releases"
    return finish(
        "audit",
        report.findings,
        output_format,
        title,
        root,
        branches=list(report.branches),
        vulnerability_source=report.source,
        vulnerabilities=list(report.vulnerabilities),
    )
