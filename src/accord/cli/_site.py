"""``accord site``: build the static site, then optionally serve it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    index_settings,
    progress,
)

if TYPE_CHECKING:
    from accord.affected.graph import GraphSource
    from accord.central import CentralRepo
    from accord.site import BuildReport


def site(
    out: Path,
    requirements: str | None,
    workspace: Path | None,
    base_url: str | None,
    serve: bool,
    port: int,
    jobs: int,
    index_url: str | None = None,
    extra_index_url: Sequence[str] = (),
    find_links: Sequence[str] = (),
    no_index: bool | None = None,
    dependencies: bool = False,
    audit: Path | None = None,
    output_format: str = "table",
    into_existing: bool = False,
) -> int:
    from accord.cli._globals import is_quiet
    from accord.findings import has_errors
    from accord.locate import default_workspace, requirements_repo

    if base_url is not None and not base_url.lower().startswith(
        ("https://", "http://", "file://", "/")
    ):
        raise UsageError("expected an http(s) or file URL, or a path", "--base-url")
    try:
        import jinja2  # noqa: F401 - only to say what is missing, once
    except ImportError:
        raise UsageError(
            "accord site needs Jinja2: python -m pip install Jinja2"
        ) from None
    from accord.central import load_central_repo
    from accord.cli._export import export_sources
    from accord.members import fleet_members
    from accord.site import SiteOptions, build_site

    root = requirements_repo(requirements)
    workspace = default_workspace(root, workspace)
    central = load_central_repo(root)
    members = 0 if central.projects is None else len(fleet_members(central, workspace))
    options = SiteOptions(
        requirements=root,
        out=out,
        workspace=workspace,
        base_url=base_url,
        jobs=jobs,
        index_url=index_url,
        graphs=(
            _graphs(central, index_url, extra_index_url, find_links, no_index)
            if dependencies
            else None
        ),
        audit=audit,
        into_existing=into_existing,
        exports=(
            export_sources(central, index_url, extra_index_url, find_links, no_index)
            if index_url is not None or find_links
            else None
        ),
    )
    with progress(members) as advance:
        report = build_site(options, advance)
    if output_format == "json":
        print(_json(report))
    else:
        if report.findings:
            from accord.report.render import render_table

            render_table(report.findings, sys.stdout, "site", root, verdict=False)
        if not is_quiet():
            _summary(report)
    if serve:
        _serve(out, port)
    return EXIT_FINDINGS if has_errors(report.findings) else EXIT_OK


def _summary(report: BuildReport) -> None:
    print(
        f"site {report.out}: {report.projects} project(s), {report.libraries} "
        f"librar{'y' if report.libraries == 1 else 'ies'}, pins of "
        f"{len(report.published)} branch(es) and tag(s); {report.written} "
        f"file(s) written, {report.kept} unchanged, {report.removed} removed; "
        f"{report.rendered} page(s) rendered",
        file=sys.stderr,
    )
    for problem in report.unresolved:
        print(f"note: dependencies not shown for {problem}", file=sys.stderr)
    for problem in report.unknown_upstream:
        print(f"note: newest release not shown for {problem}", file=sys.stderr)
    for ref in report.unexported:
        print(
            f"note: {ref.ref}: no pylock.toml or SBOM: {ref.reason}",
            file=sys.stderr,
        )
    for skipped in report.skipped:
        print(f"note: {skipped.ref} not published: {skipped.reason}", file=sys.stderr)


def _json(report: BuildReport) -> str:
    """What was built, in the documented JSON shape (see the README)."""
    import json

    from accord.masking import mask_credentials
    from accord.report.users import JSON_SCHEMA_VERSION

    document = {
        "schema": JSON_SCHEMA_VERSION,
        "command": "site",
        "out": str(report.out),
        "projects": report.projects,
        "libraries": report.libraries,
        "published": list(report.published),
        "skipped": [{"ref": s.ref, "reason": s.reason} for s in report.skipped],
        "unexported": [{"ref": s.ref, "reason": s.reason} for s in report.unexported],
        "unresolved": list(report.unresolved),
        "unknown_upstream": list(report.unknown_upstream),
        "files": {
            "written": report.written,
            "kept": report.kept,
            "removed": report.removed,
        },
        "pages_rendered": report.rendered,
        "findings": [finding.as_dict() for finding in report.findings],
    }
    return mask_credentials(json.dumps(document, indent=2))


def _graphs(
    central: CentralRepo,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
) -> GraphSource:
    """``accord affected``'s graph source: uv over the pins, on accord.toml's
    index unless the options say otherwise."""
    from accord.affected.uv_graph import UvGraphSource

    settings = central.config.resolution
    index = index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    return UvGraphSource(
        index, central.root, settings.platform, settings.static_metadata
    )


def _serve(out: Path, port: int) -> None:
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(out))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        host, bound = server.server_address[:2]
        print(
            f"serving {out} at http://{host!s}:{bound}/ (Ctrl-C stops)", file=sys.stderr
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
