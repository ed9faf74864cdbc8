"""Exact bumps (``NAME==VERSION``) and the strict stable policy.

A release is pinned exactly on the Pythons where it installs; every other pin
moves only if that release needs it. On a stable branch the other pins are
passed to the resolver as constraints, so nothing else can move: a conflict
is reported with the pin that blocks it and its line in the constraints file.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.errors import InputError
from accord.model.markers import applies_to_python
from accord.resolve.generate import PinChange, describe_changes
from accord.resolve.request import ResolveFailure, ResolveRequest
from accord.resolve.uv_explain import named, required


@dataclass(frozen=True, slots=True)
class Target:
    """A release to pin exactly: ``oslo.config==9.4.0``."""

    name: NormalizedName
    spelling: str  # as the user wrote it
    version: Version

    def __str__(self) -> str:
        return f"{self.spelling}=={self.version}"


def parse_target(text: str) -> Target | None:
    """``NAME==VERSION`` (or ``===``, as pins are written) as a target; None
    for a bare name; InputError else."""
    if not any(op in text for op in "=<>!~@;["):
        return None
    try:
        requirement = Requirement(text)
        specifiers = list(requirement.specifier)
        if (
            len(specifiers) != 1
            or specifiers[0].operator not in ("==", "===")
            or "*" in specifiers[0].version
            or requirement.marker is not None
            or requirement.extras
            or requirement.url
        ):
            raise InvalidRequirement(text)
        version = Version(specifiers[0].version)
    except (InvalidRequirement, InvalidVersion):
        raise InputError(
            f"{text!r} is neither a library name nor NAME==VERSION",
            hint="e.g. oslo.config==9.4.0",
        ) from None
    return Target(canonicalize_name(requirement.name), requirement.name, version)


def probe_requests(
    targets: Sequence[Target], pythons: Sequence[str]
) -> list[ResolveRequest]:
    """Per Python, whether the releases install at all (Requires-Python and
    wheels), their dependencies aside."""
    lines = tuple(str(target) for target in targets)
    return [ResolveRequest(python, lines, no_deps=True) for python in pythons]


def strict_constraints(
    central: CentralRepo, python: str, moving: Collection[NormalizedName]
) -> tuple[str, ...]:
    """Every pin of ``python`` not moving, as ``name==version``."""
    if central.constraints is None:
        return ()
    return tuple(
        f"{pin.line.requirement.name}=={pin.version}"
        for pin in central.constraints.pins
        if pin.name not in moving and applies_to_python(pin.marker, python)
    )


def blame_pins(
    central: CentralRepo, failure: ResolveFailure, moving: Collection[NormalizedName]
) -> ResolveFailure:
    """A strict resolution's failure, saying which pins block it and where."""
    if central.constraints is None or failure.no_wheel:
        return failure
    mentioned = [m.name for m in required(failure.reason)]
    mentioned += [
        canonicalize_name(name)
        for name in named(failure.reason)
        if name not in mentioned
    ]
    blockers = []
    for name in mentioned:
        if name in moving:
            continue
        for pin in central.constraints.pins:
            if pin.name == name and applies_to_python(pin.marker, failure.python):
                blockers.append(
                    f"{pin.line.requirement.name}==={pin.version} "
                    f"({central.constraints.path}:{pin.lineno})"
                )
                break
    if not blockers:
        return failure
    pins = ", ".join(blockers)
    return replace(
        failure,
        reason=f"blocked by the pin{'s' if len(blockers) > 1 else ''} {pins}, "
        f"which a stable branch keeps (--force lets it move): {failure.reason}",
    )


def forced_moves(
    changes: Sequence[PinChange], moving: Collection[NormalizedName]
) -> list[str]:
    """The moves nobody asked for: what the named releases need."""
    return [
        f"also moved (needed by the bump): {line}"
        for line in describe_changes(
            [c for c in changes if canonicalize_name(c.name) not in moving]
        )
    ]
