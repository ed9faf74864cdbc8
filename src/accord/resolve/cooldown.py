"""The release cooldown: a release is not taken until it has been public for
a while (``[policy] cooldown``), the organisation's own libraries and exempt
releases sooner. Pure: the time and the index's pages are passed in.

uv applies it (``--exclude-newer`` for everything, ``--exclude-newer-package
NAME=TIME`` where a library's class or an exemption allows more); this module
says what those are, and which newer releases it held back until when.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName
from packaging.version import Version

from accord._config_policy import Policy
from accord.findings import Finding
from accord.index.model import ProjectPage
from accord.model.constraints import Constraints


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """The newest upload time each library may have; None: no limit."""

    default: datetime.datetime | None
    packages: tuple[tuple[NormalizedName, datetime.datetime | None], ...] = ()

    def for_name(self, name: NormalizedName) -> datetime.datetime | None:
        for package, cutoff in self.packages:
            if package == name:
                return cutoff
        return self.default

    def uv_arguments(
        self, now: datetime.datetime
    ) -> tuple[str | None, tuple[str, ...]]:
        """``--exclude-newer`` and the ``--exclude-newer-package`` values."""
        if self.default is None:
            # Without a cutoff for all, one per package would only restrict.
            return None, ()
        return _stamp(self.default), tuple(
            f"{name}={_stamp(cutoff or now)}" for name, cutoff in self.packages
        )


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A release newer than the pin that the cooldown kept out."""

    name: str
    version: Version
    uploaded: datetime.datetime
    until: datetime.datetime

    def describe(self) -> str:
        return (
            f"held back by the cooldown: {self.name} {self.version} "
            f"(uploaded {_stamp(self.uploaded)}, taken from {_stamp(self.until)})"
        )


def cooldown_of(
    policy: Policy, own: Collection[NormalizedName], name: NormalizedName
) -> datetime.timedelta:
    return policy.own_libraries_cooldown if name in own else policy.cooldown


def cutoffs(
    policy: Policy,
    own: Collection[NormalizedName],
    now: datetime.datetime,
    taken: Iterable[NormalizedName] = (),
    fixing: Iterable[NormalizedName] = (),
) -> Cutoffs:
    """The cutoffs at ``now``; ``taken`` (releases named exactly) and
    ``fixing`` (libraries whose pin's vulnerability fix is young) never wait."""
    if not policy.cooldown:
        return Cutoffs(None)
    packages: dict[NormalizedName, datetime.datetime | None] = {}
    if policy.own_libraries_cooldown != policy.cooldown:
        for name in sorted(own):
            packages[name] = _cutoff(now, policy.own_libraries_cooldown)
    for exempt in policy.cooldown_exempt:
        packages[exempt.name] = None
    for name in (*taken, *fixing):
        packages[name] = None
    return Cutoffs(now - policy.cooldown, tuple(sorted(packages.items())))


def held_back(
    pages: Mapping[NormalizedName, ProjectPage],
    chosen: Mapping[NormalizedName, Version],
    limits: Cutoffs,
    policy: Policy,
    own: Collection[NormalizedName],
    allowed: Mapping[NormalizedName, SpecifierSet] | None = None,
) -> list[HeldBack]:
    """Per library, the newest release above the chosen one that the
    cooldown kept out: one the global list and holds (``allowed``) permit,
    uploaded after the library's cutoff. (A dependency's own requirements
    may also have ruled it out: the index does not say why uv passed a
    release over.)"""
    allowed = allowed or {}
    found = []
    for name, version in sorted(chosen.items()):
        cutoff = limits.for_name(name)
        page = pages.get(name)
        if cutoff is None or page is None:
            continue
        for candidate in sorted(page.versions, reverse=True):
            if candidate <= version:
                break
            if candidate.is_prerelease or not allowed.get(
                name, SpecifierSet()
            ).contains(candidate, prereleases=True):
                continue
            uploaded = uploaded_at(page, candidate)
            if uploaded is not None and uploaded > cutoff:
                until = uploaded + cooldown_of(policy, own, name)
                found.append(HeldBack(page.name, candidate, uploaded, until))
                break
    return found


def young_pins(
    constraints: Constraints,
    pages: Mapping[NormalizedName, ProjectPage],
    policy: Policy,
    own: Collection[NormalizedName],
    now: datetime.datetime,
) -> list[Finding]:
    """V007: a pin uploaded less than its cooldown ago (not exempt)."""
    exempt = {(e.name, e.version) for e in policy.cooldown_exempt}
    findings = []
    for pin in constraints.pins:
        wait = cooldown_of(policy, own, pin.name)
        page = pages.get(pin.name)
        if not wait or page is None or (pin.name, pin.version) in exempt:
            continue
        uploaded = uploaded_at(page, pin.version)
        if uploaded is not None and uploaded > now - wait:
            findings.append(
                Finding(
                    "V007",
                    "warning",
                    constraints.path,
                    pin.lineno,
                    f"{pin.line.requirement.name} {pin.version} was uploaded "
                    f"{_stamp(uploaded)}, within the {wait.days}-day cooldown "
                    f"(until {_stamp(uploaded + wait)})",
                    "pin the previous release until then, or exempt this one "
                    "under [[policy.cooldown-exempt]] with the reason",
                )
            )
    return findings


def uploaded_at(page: ProjectPage, version: Version) -> datetime.datetime | None:
    """When a release was uploaded: its first file's PEP 700 upload time."""
    times = [f.upload_time for f in page.files_for(version) if f.upload_time]
    return min(times) if times else None


def _cutoff(now: datetime.datetime, wait: datetime.timedelta) -> datetime.datetime:
    return now - wait


def _stamp(moment: datetime.datetime) -> str:
    """RFC 3339 in UTC, to the second: what uv reads and people read."""
    utc = moment.astimezone(datetime.timezone.utc).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
