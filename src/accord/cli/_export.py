"""``accord constraints export``: the pinned set as pylock.toml or an SBOM."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_OK, check_pythons

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.export.model import PinnedSet
    from accord.index.client import IndexClient

PYPI_SIMPLE, PYPI_JSON = "https://pypi.org/simple/", "https://pypi.org/pypi/"


def constraints_export(
    requirements: str | None,
    output_format: str,
    output: str,
    index_url: str | None,
    pythons: Sequence[str],
) -> int:
    from accord.central import load_central_repo
    from accord.cli._globals import print_note
    from accord.export.gather import gather
    from accord.locate import requirements_repo

    check_pythons(pythons)
    root = requirements_repo(requirements, None)
    central = load_central_repo(root)
    pinned = gather(central, _client(central, index_url), pythons)
    text = render(pinned, output_format)
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from accord.files import write_atomic

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


def _client(central: CentralRepo, index_url: str | None) -> IndexClient:
    from accord.index.client import IndexClient

    settings = central.config.resolution.index
    simple = index_url or settings.url or PYPI_SIMPLE
    on_pypi = simple.rstrip("/") == PYPI_SIMPLE.rstrip("/")
    json_url = settings.pypi_json_url or (PYPI_JSON if on_pypi else None)
    return IndexClient(simple, json_url)
