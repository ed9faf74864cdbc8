"""Failed resolutions, once per cause: the Pythons it holds on and the
global-list line of the library that caused it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from packaging.utils import canonicalize_name

from accord.central import CentralRepo
from accord.model.global_list import GlobalEntry
from accord.resolve.direct import direct_reference, refusal
from accord.resolve.pythons import on_pythons
from accord.resolve.request import ResolveFailure
from accord.resolve.uv_explain import named, required


@dataclass(frozen=True, slots=True)
class FailureGroup:
    pythons: tuple[str, ...]
    package: str | None
    reason: str  # uv's, on the first of the Pythons
    entry: GlobalEntry | None  # the global-list line of the library at fault
    path: str | None  # the global list's path, with an entry
    no_wheel: tuple[str, ...] = ()  # the libraries with no usable wheel

    @property
    def line(self) -> int | None:
        return self.entry.lineno if self.entry is not None else None

    @property
    def where(self) -> str | None:
        """``global-requirements.txt:12``."""
        return f"{self.path}:{self.line}" if self.entry is not None else None

    def describe(self, run: Sequence[str]) -> str:
        """``on Python 3.10-3.13: pkg (global-requirements.txt:12): reason``."""
        name = self.package or (
            self.entry.requirement.name if self.entry is not None else None
        )
        where = f" ({self.where})" if self.where else ""
        subject = f" {name}{where}:" if name else ""
        if self.where and self.where in self.reason:
            subject = ""  # the reason already names each line
        return f"{on_pythons(self.pythons, run)}:{subject} {self.reason}"


def culprit(central: CentralRepo, failure: ResolveFailure) -> GlobalEntry | None:
    """The global-list entry of the library that caused a failure: the
    package that failed, else the first listed library uv says was required,
    else the first listed library uv's explanation names at all."""
    candidates = [failure.package] if failure.package else []
    candidates += [m.name for m in required(failure.reason)]
    candidates += named(failure.reason)
    for name in candidates:
        entries = central.global_list.entries_for(canonicalize_name(name))
        if entries:
            return entries[0]
    return None


def group_failures(
    central: CentralRepo, failures: Sequence[ResolveFailure]
) -> tuple[FailureGroup, ...]:
    """One group per library at fault (or per reason, when none is)."""
    grouped: dict[tuple[object, ...], list[ResolveFailure]] = {}
    entries: dict[tuple[object, ...], GlobalEntry | None] = {}
    for given in failures:
        failure = given
        entry = culprit(central, failure)
        key: tuple[object, ...] = (
            (entry.lineno, failure.package)
            if entry is not None
            else (None, failure.package, failure.reason)
        )
        if failure.no_wheel:
            failure = replace(failure, reason=_located(central, failure))
            key = ("no wheel", failure.no_wheel)
        grouped.setdefault(key, []).append(failure)
        entries[key] = entry
    groups = []
    for key, members in grouped.items():
        entry = entries[key]
        groups.append(
            FailureGroup(
                tuple(f.python for f in members),
                members[0].package,
                members[0].reason,
                entry,
                central.global_list.path if entry is not None else None,
                tuple(dict.fromkeys(n for f in members for n in f.no_wheel)),
            )
        )
    return tuple(groups)


def _located(central: CentralRepo, failure: ResolveFailure) -> str:
    """A no-wheel failure's reason, each listed library with its line."""
    reason = failure.reason
    listed = []
    for name in failure.no_wheel:
        entries = central.global_list.entries_for(canonicalize_name(name))
        where = f" ({central.global_list.path}:{entries[0].lineno})" if entries else ""
        listed.append(f"{name}{where}")
    return reason.replace(", ".join(failure.no_wheel), ", ".join(listed), 1)


def direct_groups(
    central: CentralRepo, pythons: Sequence[str]
) -> tuple[FailureGroup, ...]:
    """Each global-list entry that is a direct reference (never resolved)."""
    groups = []
    for entry in central.global_list.entries:
        kind = direct_reference(entry.requirement)
        if kind is not None:
            groups.append(
                FailureGroup(
                    tuple(pythons),
                    entry.requirement.name,
                    refusal(entry.line.content, kind),
                    entry,
                    central.global_list.path,
                )
            )
    return tuple(groups)
