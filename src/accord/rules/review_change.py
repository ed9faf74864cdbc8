"""What a change to the central files asks of a reviewer (pure).

Compares the central repo before and after and says: which libraries are
new (they get the full review), which were removed, whose minimum rose,
which caps appeared, which pins moved; plus the questions each raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.central import CentralRepo
from accord.model.global_list import GlobalEntry
from accord.rules.contract import CAP, PINNING, minimum_of
from accord.rules.review import Criterion


@dataclass(frozen=True, slots=True)
class CentralDiff:
    added: tuple[GlobalEntry, ...]
    removed: tuple[GlobalEntry, ...]
    raised_minimums: tuple[tuple[GlobalEntry, Version | None, Version], ...]
    new_caps: tuple[tuple[GlobalEntry, str], ...]
    moved_pins: tuple[tuple[NormalizedName, str, Version | None, Version | None], ...]


def diff_central(before: CentralRepo, after: CentralRepo) -> CentralDiff:
    old_names = before.global_list.names()
    new_names = after.global_list.names()
    added = tuple(e for e in after.global_list.entries if e.name not in old_names)
    removed = tuple(e for e in before.global_list.entries if e.name not in new_names)
    raised = []
    caps = []
    for entry in after.global_list.entries:
        previous = before.global_list.entries_for(entry.name)
        if not previous:
            continue
        old_min = max(
            (m for e in previous if (m := minimum_of(e.requirement.specifier))),
            default=None,
        )
        new_min = minimum_of(entry.requirement.specifier)
        if new_min is not None and (old_min is None or new_min > old_min):
            raised.append((entry, old_min, new_min))
        old_specs = {str(s) for e in previous for s in e.requirement.specifier}
        for spec in entry.requirement.specifier:
            if (spec.operator in CAP or spec.operator in PINNING) and str(
                spec
            ) not in old_specs:
                caps.append((entry, str(spec)))
    return CentralDiff(
        added, removed, tuple(raised), tuple(caps), _moved(before, after)
    )


def _moved(
    before: CentralRepo, after: CentralRepo
) -> tuple[tuple[NormalizedName, str, Version | None, Version | None], ...]:
    def pins(repo: CentralRepo) -> dict[tuple[NormalizedName, str], Version]:
        if repo.constraints is None:
            return {}
        return {(p.name, str(p.marker or "")): p.version for p in repo.constraints.pins}

    old, new = pins(before), pins(after)
    return tuple(
        (name, marker, old.get((name, marker)), new.get((name, marker)))
        for name, marker in sorted(set(old) | set(new))
        if old.get((name, marker)) != new.get((name, marker))
    )


def change_questions(
    diff: CentralDiff,
    message: str,
    users_of: dict[NormalizedName, Sequence[str]],
    fleet_names: Iterable[str],
) -> list[Criterion]:
    """The verdicts on the change itself (the added libraries are reviewed apart)."""
    found: list[Criterion] = []
    lowered = message.lower()
    for entry in diff.removed:
        users = users_of.get(entry.name, ())
        if users:
            found.append(
                Criterion(
                    "removed-in-use",
                    "fail",
                    f"{entry.requirement.name} is removed but still used by "
                    + ", ".join(users[:10])
                    + (" and more" if len(users) > 10 else ""),
                )
            )
        else:
            found.append(
                Criterion(
                    "removed",
                    "pass",
                    f"{entry.requirement.name} is removed; no project uses it",
                )
            )
    for entry, old, new in diff.raised_minimums:
        reasoned = (
            entry.requirement.name.lower() in lowered or str(entry.name) in lowered
        )
        found.append(
            Criterion(
                "raised-minimum",
                "pass" if reasoned else "warn",
                f"{entry.requirement.name} minimum {old or 'none'} -> {new}"
                + ("" if reasoned else "; the commit message does not say why"),
            )
        )
    for entry, cap in diff.new_caps:
        found.append(
            Criterion(
                "new-cap",
                "pass" if entry.rationale else "fail",
                f"{entry.requirement.name} gains the cap {cap}"
                + (
                    f": {' '.join(entry.rationale)}"
                    if entry.rationale
                    else " with no comment above it"
                ),
            )
        )
    projects = [name.rstrip("/").rsplit("/", 1)[-1].lower() for name in fleet_names]
    if diff.added and not any(project and project in lowered for project in projects):
        found.append(
            Criterion(
                "consumer-named",
                "warn",
                "the commit message names no project of the fleet that needs it",
            )
        )
    return found
