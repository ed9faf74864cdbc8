"""The pylock.toml and CycloneDX SBOM of each published branch and tag.

Each is ``accord constraints export``'s (:func:`accord.export.gather.gather`
over the central files read from git at the ref's commit, rendered by
:mod:`accord.export.pylock` and :mod:`accord.export.cyclonedx`), dated by
the ref's commit so a second build of the same refs writes the same bytes.
They need the pinned files' hashes and URLs, so the site asks an index (or
``--find-links`` directories) only when given one.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from accord.errors import AccordError
from accord.site.pins import PublishedPins, clashes

if TYPE_CHECKING:
    from accord.export.gather import Sources


@dataclass(frozen=True, slots=True)
class Exported:
    """One ref's artefacts (paths relative to the site), or why there are none."""

    ref: str
    pylock: str | None = None
    sbom: str | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Exports:
    by_ref: dict[str, Exported]
    files: tuple[tuple[str, str], ...]  # (path, text) to write


def pylock_path(ref: str) -> str:
    return f"constraints/pylock/{ref}.toml"


def sbom_path(ref: str) -> str:
    return f"constraints/sbom/{ref}.cdx.json"


def branch_exports(
    repo: Path, pins: Sequence[PublishedPins], sources: Sources
) -> Exports:
    """Each published ref's pylock.toml and SBOM, from ``sources``."""
    from accord.central import load_central_repo
    from accord.export.cyclonedx import render_cyclonedx
    from accord.export.gather import gather
    from accord.export.pylock import render_pylock

    unsafe = clashes([p.ref for p in pins], (".toml", ".cdx.json"))
    by_ref: dict[str, Exported] = {}
    files: list[tuple[str, str]] = []
    done: dict[str, tuple[str, str] | str] = {}  # by commit: a tag on a branch
    for published in pins:
        ref = published.ref
        if ref in unsafe:
            problem = "its path clashes with another ref's directory"
            by_ref[ref] = Exported(ref, problem=problem)
            continue
        if published.commit not in done:
            try:
                central = load_central_repo(repo, commit=published.commit)
                pinned = dataclasses.replace(
                    gather(central, sources),
                    created=_commit_time(published.date),
                    revision=published.commit,
                )
                done[published.commit] = (
                    render_pylock(pinned),
                    render_cyclonedx(pinned),
                )
            except AccordError as error:
                done[published.commit] = str(error)
        made = done[published.commit]
        if isinstance(made, str):
            by_ref[ref] = Exported(ref, problem=made)
            continue
        files += [(pylock_path(ref), made[0]), (sbom_path(ref), made[1])]
        by_ref[ref] = Exported(ref, pylock_path(ref), sbom_path(ref))
    return Exports(by_ref, tuple(files))


def _commit_time(text: str) -> datetime.datetime:
    """The ref's committer date, aware and in UTC (the epoch if unreadable)."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return datetime.datetime.fromtimestamp(0, datetime.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)
