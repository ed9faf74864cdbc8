"""What moved between a base and the work tree of the requirements repo (pure).

A library moved on a Python when the version pinned for that Python changed
(added and removed pins included), or when its global-list lines changed
(their text, by name): a new exclusion or marker is a change its consumers
should be tested against too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.central import CentralRepo
from accord.model.constraints import Constraints
from accord.model.markers import applies_to_python

Reason = Literal["pin", "global-list"]


@dataclass(frozen=True, slots=True)
class Change:
    """One library that moved on one Python."""

    name: NormalizedName
    python: str
    reason: Reason
    old: str | None  # the pinned version before (None: unpinned)
    new: str | None  # and after

    @property
    def summary(self) -> str:
        if self.reason == "global-list":
            return "global list changed"
        return f"{self.old or '-'} -> {self.new or '-'}"


def pins_for_python(
    constraints: Constraints | None, python: str
) -> dict[NormalizedName, Version]:
    """The version pinned for each library on ``python``."""
    if constraints is None:
        return {}
    return {
        pin.name: pin.version
        for pin in constraints.pins
        if applies_to_python(pin.marker, python)
    }


def changes_between(
    before: CentralRepo, after: CentralRepo, pythons: Sequence[str]
) -> tuple[Change, ...]:
    """Every library that moved, per Python, sorted by name then Python."""
    found: dict[tuple[NormalizedName, str], Change] = {}
    for python in pythons:
        old = pins_for_python(before.constraints, python)
        new = pins_for_python(after.constraints, python)
        for name in set(old) | set(new):
            if old.get(name) != new.get(name):
                found[name, python] = Change(
                    name,
                    python,
                    "pin",
                    _text(old.get(name)),
                    _text(new.get(name)),
                )
    for name in _changed_list_names(before, after):
        for python in pythons:
            found.setdefault(
                (name, python), Change(name, python, "global-list", None, None)
            )
    return tuple(found[key] for key in sorted(found, key=_order))


def _changed_list_names(
    before: CentralRepo, after: CentralRepo
) -> list[NormalizedName]:
    def lines(repo: CentralRepo) -> dict[NormalizedName, frozenset[str]]:
        texts: dict[NormalizedName, set[str]] = {}
        for entry in repo.global_list.entries:
            texts.setdefault(entry.name, set()).add(str(entry.requirement))
        return {name: frozenset(found) for name, found in texts.items()}

    old, new = lines(before), lines(after)
    return sorted(
        name for name in set(old) | set(new) if old.get(name) != new.get(name)
    )


def _text(version: Version | None) -> str | None:
    return None if version is None else str(version)


def _order(key: tuple[NormalizedName, str]) -> tuple[str, tuple[int, ...]]:
    name, python = key
    return name, tuple(int(part) for part in python.split(".") if part.isdigit())
