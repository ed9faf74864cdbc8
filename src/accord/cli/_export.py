"""``accord constraints export``: the pinned set as pylock.toml or an SBOM."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_OK, UsageError, check_pythons

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.export.gather import Sources
    from accord.export.model import PinnedSet
    from accord.index.client import IndexClient

PYPI_SIMPLE, PYPI_JSON = "https://pypi.org/simple/", "https://pypi.org/pypi/"


def constraints_export(
    requirements: str | None,
    output_format: str,
    output: str,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
) -> int:
    from accord.central import load_central_repo
    from accord.cli._globals import print_note
    from accord.export.gather import gather
    from accord.locate import requirements_repo

    check_pythons(pythons)
    root = requirements_repo(requirements, None)
    central = load_central_repo(root)
    sources = export_sources(central, index_url, extra_index_url, find_links, no_index)
    pinned = gather(central, sources, pythons)
    text = render(pinned, output_format)
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from accord.writes import write_atomic

        write_atomic(Path(output), text)
    shown = "stdout" if output == "-" else output
    print_note(
        f"export: {len(pinned.packages)} pin(s) for Python "
        f"{', '.join(pinned.pythons)} as {output_format} to {shown}"
    )
    return EXIT_OK


def render(pinned: PinnedSet, output_format: str) -> str:
    """The artefact's text; each format's module is imported only for it
    (cyclonedx-python-lib is large)."""
    if output_format == "cyclonedx":
        from accord.export.cyclonedx import render_cyclonedx

        return render_cyclonedx(pinned)
    if output_format == "spdx":
        from accord.export.spdx import render_spdx

        return render_spdx(pinned)
    from accord.export.pylock import render_pylock

    return render_pylock(pinned)


def export_sources(
    central: CentralRepo,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
) -> Sources:
    """The indexes and --find-links directories, as the resolving commands
    take them (options over accord.toml's [index])."""
    from accord.cli._app import index_settings
    from accord.export.gather import Sources
    from accord.export.local import Wheelhouse

    settings = index_settings(
        central.config.resolution.index,
        index_url,
        extra_index_url,
        find_links,
        no_index,
    )
    urls = (
        [] if settings.no_index else [settings.url or PYPI_SIMPLE, *settings.extra_urls]
    )
    clients = tuple(_client(url, settings.pypi_json_url) for url in urls)
    local = [link for link in settings.find_links if "://" not in link]
    if not clients and not local:
        raise UsageError("--no-index needs a --find-links directory", "--no-index")
    directories = [central.root / link for link in local]  # absolute stay so
    return Sources(clients, Wheelhouse(directories) if directories else None)


def _client(url: str, pypi_json_url: str | None) -> IndexClient:
    from accord.index.client import IndexClient

    on_pypi = url.rstrip("/") == PYPI_SIMPLE.rstrip("/")
    return IndexClient(url, pypi_json_url or (PYPI_JSON if on_pypi else None))
