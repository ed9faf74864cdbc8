"""Each library's pin history, from ``git log -p`` of upper-constraints.txt.

One git run reads the whole history; every library's events come out of it.
A pin's age is the time since the commit that last added its exact line.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from accord.central import GLOBAL_REQUIREMENTS, PROJECTS, UPPER_CONSTRAINTS
from accord.site._git import is_repository, run_git

_MARK = "\x1e"  # starts each commit's header in the log


@dataclass(frozen=True, slots=True)
class PinEvent:
    """One commit's change to one library's pins."""

    commit: str
    date: datetime.date
    subject: str
    added: tuple[str, ...]  # pin lines as written (version and marker)
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LastChange:
    commit: str
    date: datetime.date
    subject: str


@dataclass(frozen=True, slots=True)
class History:
    events: Mapping[NormalizedName, tuple[PinEvent, ...]]  # newest first
    added_on: Mapping[str, datetime.date]  # a pin line (stripped) -> last added
    last_change: LastChange | None  # of any central file


EMPTY = History({}, {}, None)


def read_history(repo: Path) -> History:
    """The pin history of ``repo``'s checked-out branch; empty outside git."""
    if not is_repository(repo):
        return EMPTY
    log = run_git(
        repo,
        "log",
        "-p",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--unified=0",
        f"--format={_MARK}%H%x00%cI%x00%s",
        "--",
        UPPER_CONSTRAINTS,
    )
    events, added_on = (
        ({}, {}) if log is None else _parse(log.decode("utf-8", "replace"))
    )
    return History(events, added_on, _last_change(repo))


def _parse(
    log: str,
) -> tuple[dict[NormalizedName, tuple[PinEvent, ...]], dict[str, datetime.date]]:
    events: dict[NormalizedName, list[PinEvent]] = {}
    added_on: dict[str, datetime.date] = {}
    for chunk in log.split(_MARK)[1:]:
        header, _, body = chunk.partition("\n")
        commit, date_text, subject = ([*header.split("\x00"), "", "", ""])[:3]
        date = _date(date_text)
        if date is None:
            continue
        changes: dict[NormalizedName, tuple[list[str], list[str]]] = {}
        for line in body.splitlines():
            if line.startswith(("+++", "---")) or line[:1] not in ("+", "-"):
                continue
            pin = line[1:].strip()
            name = _pin_name(pin)
            if name is None:
                continue
            added, removed = changes.setdefault(name, ([], []))
            (added if line[0] == "+" else removed).append(pin)
            if line[0] == "+":
                added_on.setdefault(pin, date)  # the log is newest first
        for name, (added, removed) in changes.items():
            if sorted(added) == sorted(removed):
                continue  # moved, not changed
            events.setdefault(name, []).append(
                PinEvent(commit, date, subject, tuple(added), tuple(removed))
            )
    return {name: tuple(found) for name, found in events.items()}, added_on


def _pin_name(line: str) -> NormalizedName | None:
    if line.startswith("#") or "===" not in line:
        return None
    name = line.split("===", 1)[0].split("[", 1)[0].strip()
    return canonicalize_name(name) if name else None


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.fromisoformat(text.strip()).date()
    except ValueError:
        return None


def _last_change(repo: Path) -> LastChange | None:
    out = run_git(
        repo,
        "log",
        "-1",
        "--format=%H%x00%cI%x00%s",
        "--",
        GLOBAL_REQUIREMENTS,
        UPPER_CONSTRAINTS,
        PROJECTS,
    )
    if not out:
        return None
    commit, date_text, subject = (
        [*out.decode("utf-8", "replace").strip().split("\x00"), "", ""]
    )[:3]
    date = _date(date_text)
    return None if date is None else LastChange(commit, date, subject)
