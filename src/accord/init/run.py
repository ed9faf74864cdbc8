"""``accord init``: survey the fleet, draft the central files, write them,
pin them, and say what a person must still decide.

The steps that reach outside (the index's metadata, the resolver) come in
as callables, so a test can pass fakes. After writing, init runs
``validate`` and ``check`` over the new repo and the fleet itself and lists
every finding under "needs review": what ``accord validate`` and ``accord
fleet check`` will then report is exactly what init has named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from accord.central import (
    GLOBAL_REQUIREMENTS,
    PROJECTS,
    UPPER_CONSTRAINTS,
    load_central_repo,
)
from accord.config import CONFIG_FILE, DEFAULT_CONFIG
from accord.errors import AccordError
from accord.init.draft import draft
from accord.init.licences import UNKNOWN, MetadataSource, read_licences
from accord.init.notes import Note, Pins
from accord.init.render import DENYLIST, IndexChoice, render_files
from accord.init.survey import Fleet, survey
from accord.init.write import refuse_existing, write_files

if TYPE_CHECKING:
    from accord.findings import Finding
    from accord.index.sdist import SdistMetadata

_LICENCE_RULES = frozenset({"G004", "G005"})
# (repo, add_config) -> the pins; add_config(text) appends text to the
# drafted accord.toml (the [[static-metadata]] drafted for a retry)
PinMaker = Callable[[Path, Callable[[str], None]], Pins]


@dataclass(frozen=True, slots=True)
class InitResult:
    repo: Path
    workspace: Path
    projects: tuple[str, ...]
    files: tuple[str, ...]  # written, relative to the repo
    decisions: tuple[Note, ...]
    needs_review: tuple[Note, ...]
    pins_failed: bool
    static_metadata: tuple[SdistMetadata, ...] = ()


def file_names(pins: bool) -> tuple[str, ...]:
    names = (PROJECTS, GLOBAL_REQUIREMENTS, DENYLIST, CONFIG_FILE)
    return (*names, UPPER_CONSTRAINTS) if pins else names


def run_init(
    repo: Path,
    fleet: Fleet,
    force: bool,
    metadata_of: MetadataSource | None,
    index: IndexChoice,
    make_pins: PinMaker | None,
    no_licences_because: str = "no index was asked (--no-index)",
) -> InitResult:
    refuse_existing(repo, file_names(make_pins is not None), force)
    surveyed = survey(fleet)
    drafted = draft(surveyed)
    names = sorted({entry.name for entry in drafted.entries})
    # The new accord.toml sets no [licenses]: the default policy is the one
    # validate will apply.
    licences = read_licences(names, metadata_of, DEFAULT_CONFIG.licenses)
    decisions = [_workspace_note(repo, fleet), *drafted.decisions]
    review = [
        *drafted.needs_review,
        *(
            licence.note
            for name in names
            if (licence := licences[name]).note is not None
        ),
    ]
    if metadata_of is None:
        review.append(
            Note(
                "licence",
                None,
                f"{no_licences_because}: every licence is {UNKNOWN}",
            )
        )
    files = render_files(drafted, licences, fleet.entries, index)
    done = write_files(repo, files)
    pins_failed = False
    static: tuple[SdistMetadata, ...] = ()
    if make_pins is not None:

        def add_config(text: str) -> None:
            done.write(CONFIG_FILE, files[CONFIG_FILE] + "\n" + text)

        try:
            pins = make_pins(repo, add_config)
            static = pins.drafted
            review.extend(pins.notes)
            if pins.text is None:
                pins_failed = True
            else:
                done.write(UPPER_CONSTRAINTS, pins.text)
        except BaseException:  # a failed write (or an interrupt): take all back
            done.undo()
            raise
    else:
        decisions.append(
            Note(
                "pins",
                None,
                "no upper-constraints.txt (--no-pins): validate "
                "reports G019 until `accord constraints generate` writes it",
            )
        )
    try:
        review.extend(check_new_repo(repo, fleet))
    except BaseException:  # all or nothing, as the writes
        done.undo()
        raise
    return InitResult(
        repo,
        fleet.workspace,
        fleet.entries,
        tuple(done.names),
        tuple(decisions),
        tuple(_unique(review)),
        pins_failed,
        static,
    )


def _workspace_note(repo: Path, fleet: Fleet) -> Note:
    """Where the entries live; fleet commands look beside the repo unless
    told otherwise."""
    message = f"projects.txt entries are relative to {fleet.chosen}"
    if repo.resolve().parent != fleet.workspace:
        message += (
            f"; it does not hold {repo}, so run fleet commands with "
            f"--workspace {fleet.workspace}"
        )
    return Note("workspace", None, message)


def check_new_repo(repo: Path, fleet: Fleet) -> list[Note]:
    """What ``validate`` and ``fleet check`` report on the new repo.

    Not validate's licence findings (G004, G005): init wrote every licence
    the policy does not allow with a note saying why, under the same policy.
    """
    from accord.members import fleet_members
    from accord.project import load_project
    from accord.rules.check import check_project
    from accord.rules.validate import validate

    central = load_central_repo(repo)
    members = fleet_members(central, fleet.workspace)
    notes = [
        _finding_note("validate", None, f)
        for f in validate(central)
        if f.rule not in _LICENCE_RULES
    ]
    for member in members:  # as fleet check finds them
        try:
            project = load_project(member.path, central.config)
        except AccordError as error:  # pragma: no cover - survey read it
            notes.append(Note("check", member.name, f"{member.name}: {error}"))
            continue
        notes.extend(
            _finding_note("check", member.name, f)
            for f in check_project(project, central)
        )
    return notes


def _finding_note(kind: str, project: str | None, finding: Finding) -> Note:
    place = finding.path if project is None else f"{project}/{finding.path}"
    where = place if finding.line is None else f"{place}:{finding.line}"
    return Note(
        kind,
        project,
        f"{finding.severity} {finding.rule} {where}: {finding.message}",
    )


def _unique(notes: Sequence[Note]) -> list[Note]:
    return list(dict.fromkeys(notes))
