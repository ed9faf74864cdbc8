"""What a resolver is asked and what it answers: the protocol the core uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from accord.resolve.merge import ResolvedPin


@dataclass(frozen=True, slots=True)
class ResolveRequest:
    python: str  # "3.12"
    requirements: tuple[str, ...]  # PEP 508 lines to resolve together
    constraints: tuple[str, ...] = ()  # holds and the like: limits, not needs
    preferences: tuple[str, ...] = ()  # "name==version": keep these if possible
    upgrade: tuple[str, ...] = ()  # names to move to their newest allowed version
    offline: bool = False  # use only what the resolver's cache already holds
    lowest_direct: bool = False  # pick the lowest allowed version of direct needs
    # The cooldown: no release uploaded after this (ISO 8601, UTC) is taken,
    # except per package ("name=timestamp") where it is later.
    exclude_newer: str | None = None
    exclude_newer_packages: tuple[str, ...] = ()
    no_deps: bool = False  # the requirements alone: does this release install?


@dataclass(frozen=True, slots=True)
class ResolveFailure:
    python: str
    package: str | None  # the package that failed (to build), if known
    reason: str  # one paragraph, not a wall of output
    no_wheel: tuple[str, ...] = ()  # libraries that have no usable wheel


@dataclass(frozen=True, slots=True)
class ResolveOutcome:
    python: str
    pins: tuple[ResolvedPin, ...]
    failure: ResolveFailure | None = None


class Resolver(Protocol):
    def resolve(self, request: ResolveRequest) -> ResolveOutcome: ...
