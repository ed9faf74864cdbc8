"""accord init: a requirements repo drafted from the fleet that exists."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, UsageError, check_pythons
from accord.errors import InputError

if TYPE_CHECKING:
    from accord.init.notes import Note
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
    init recorded in the new accord.toml."""

    def make_pins(repo: Path) -> tuple[str | None, list[Note]]:
        from accord.central import UPPER_CONSTRAINTS, load_central_repo
        from accord.cli._app import resolver_for
        from accord.init.notes import Note
        from accord.resolve.generate import generate

        central = load_central_repo(repo)
        pythons = central.config.python_versions
        check_pythons(pythons)
        resolver = resolver_for(central, repo, None, (), (), None, pythons)
        with resolver:
            result = generate(central, pythons, resolver, jobs or len(pythons))
        failures = [
            Note(
                "pins",
                failure.package,
                f"{UPPER_CONSTRAINTS} not written: failed "
                + failure.describe(result.pythons),
            )
            for failure in result.failures
        ]
        return result.text, failures

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


def _note(note: Note) -> dict[str, object]:
    return {"kind": note.kind, "name": note.name, "message": note.message}
