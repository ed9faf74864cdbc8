"""accord init: a requirements repo drafted from the fleet that exists."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, UsageError, check_pythons
from accord.errors import InputError

if TYPE_CHECKING:
    from accord.index.sdist import SdistMetadata
    from accord.init.notes import Note, Pins
    from accord.init.run import InitResult, PinMaker
    from accord.init.survey import Fleet


def init(
    repo: Path,
    from_dirs: Sequence[Path],
    from_projects: Path | None,
    workspace: Path | None,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    jobs: int | None,
    no_pins: bool,
    force: bool,
    output_format: str,
) -> int:
    from accord.init.licences import PYPI_SIMPLE, index_metadata, wheelhouse_metadata
    from accord.init.render import IndexChoice
    from accord.init.run import run_init

    fleet = _fleet(repo, from_dirs, from_projects, workspace)
    links = tuple(str(Path(link).resolve()) for link in find_links)
    index = IndexChoice(index_url, tuple(extra_index_url), links, bool(no_index))
    metadata_of = None
    unread = "no index was asked (--no-index) and no --find-links given"
    if no_index and links:
        metadata_of = wheelhouse_metadata([Path(link) for link in links])
    elif not no_index:
        try:
            metadata_of = index_metadata(index_url or PYPI_SIMPLE)
        except InputError as error:  # e.g. a file:// index, which uv reads
            unread = f"licences are read over http(s) only ({error})"
    pins = None if no_pins else _pin_maker(jobs)
    result = run_init(repo, fleet, force, metadata_of, index, pins, unread)
    _report(result, output_format)
    return EXIT_FINDINGS if result.pins_failed else EXIT_OK


def _fleet(
    repo: Path,
    from_dirs: Sequence[Path],
    from_projects: Path | None,
    workspace: Path | None,
) -> Fleet:
    from accord.init.survey import dirs_from_file, fleet_from_dirs, fleet_in_workspace

    dirs = list(from_dirs)
    if from_projects is not None:
        dirs += dirs_from_file(from_projects)
    if dirs:
        return fleet_from_dirs(dirs, workspace)
    if workspace is None:
        raise UsageError(
            "say where the projects are: --from, --from-projects or --workspace"
        )
    return fleet_in_workspace(workspace, exclude=repo)


def _pin_maker(jobs: int | None) -> PinMaker:
    """Pins by ``constraints generate``'s code, with the index settings
    init recorded in the new accord.toml; when only libraries with no wheel
    stop them, once more with [[static-metadata]] drafted from their sdists."""

    def make_pins(repo: Path, add_config: Callable[[str], None]) -> Pins:
        from accord.central import UPPER_CONSTRAINTS, CentralRepo, load_central_repo
        from accord.cli._app import resolver_for
        from accord.index._limits import SDIST_BYTES
        from accord.init.notes import Note, Pins
        from accord.init.static import (
            Drafted,
            draft_static,
            no_wheel_names,
            render_static,
            sdist_source,
        )
        from accord.resolve.generate import Generated, generate

        def attempt(central: CentralRepo) -> Generated:
            pythons = central.config.python_versions
            check_pythons(pythons)
            resolver = resolver_for(central, repo, None, (), (), None, pythons)
            with resolver:
                return generate(central, pythons, resolver, jobs or len(pythons))

        central = load_central_repo(repo)
        result = attempt(central)
        drafted = Drafted((), ())
        names = no_wheel_names(result.failures)
        if result.text is None and names:
            source = sdist_source(central, SDIST_BYTES)
            drafted = draft_static(central, names, source)
            if drafted.entries:
                add_config(render_static(drafted.entries))
                result = attempt(load_central_repo(repo))
        failures = [
            Note(
                "pins",
                failure.package,
                f"{UPPER_CONSTRAINTS} not written: failed "
                + failure.describe(result.pythons),
            )
            for failure in result.failures
        ]
        return Pins(result.text, (*drafted.notes, *failures), drafted.entries)

    return make_pins


def _report(result: InitResult, output_format: str) -> None:
    if output_format == "json":
        print(
            json.dumps(
                {
                    "schema": 1,
                    "command": "init",
                    "repo": str(result.repo),
                    "workspace": str(result.workspace),
                    "projects": list(result.projects),
                    "files": list(result.files),
                    "decisions": [_note(n) for n in result.decisions],
                    "needs_review": [_note(n) for n in result.needs_review],
                    "static_metadata": [
                        _static(entry) for entry in result.static_metadata
                    ],
                },
                indent=2,
            )
        )
        return
    out = sys.stdout
    print(
        f"init {result.repo}: {len(result.projects)} project(s) from "
        f"{result.workspace}; wrote {', '.join(result.files)}",
        file=out,
    )
    print("\nDecided:", file=out)
    for note in result.decisions:
        print(f"  - {note.message}", file=out)
    if result.needs_review:
        print(f"\nNeeds a human ({len(result.needs_review)}):", file=out)
        for note in result.needs_review:
            print(f"  - [{note.kind}] {note.message}", file=out)
    else:
        print("\nNothing needs a human.", file=out)


def _static(entry: SdistMetadata) -> dict[str, object]:
    return {
        "name": entry.name,
        "version": entry.version,
        "requires_dist": list(entry.requires_dist),
        "requires_python": entry.requires_python,
        "source": entry.source,
        "verify": not entry.reliable,
    }


def _note(note: Note) -> dict[str, object]:
    return {"kind": note.kind, "name": note.name, "message": note.message}
