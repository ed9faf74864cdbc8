"""The constraints file: exact pins, ``name===version[;marker]``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.markers import Marker
from packaging.utils import NormalizedName
from packaging.version import InvalidVersion, Version

from accord.model.requirements_file import (
    RequirementLine,
    RequirementsFile,
    parse_requirements_file,
)


@dataclass(frozen=True, slots=True)
class Pin:
    line: RequirementLine
    version: Version
    marker: Marker | None

    @property
    def name(self) -> NormalizedName:
        return self.line.name

    @property
    def lineno(self) -> int:
        return self.line.lineno


@dataclass(frozen=True, slots=True)
class MalformedPin:
    """A requirement line in the constraints file that is not an exact pin."""

    line: RequirementLine
    reason: str


@dataclass(frozen=True, slots=True)
class Constraints:
    file: RequirementsFile
    pins: tuple[Pin, ...]
    malformed: tuple[MalformedPin, ...]
    index: Mapping[NormalizedName, tuple[Pin, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def path(self) -> str:
        return self.file.path

    def pins_for(self, name: NormalizedName) -> tuple[Pin, ...]:
        return self.index.get(name, ())


def parse_constraints(text: str, path: str) -> Constraints:
    file = parse_requirements_file(text, path)
    pins: list[Pin] = []
    malformed: list[MalformedPin] = []
    for line in file.requirements():
        result = pin_from_line(line)
        if isinstance(result, Pin):
            pins.append(result)
        else:
            malformed.append(result)
    index: dict[NormalizedName, list[Pin]] = {}
    for pin in pins:
        index.setdefault(pin.name, []).append(pin)
    return Constraints(
        file,
        tuple(pins),
        tuple(malformed),
        {name: tuple(group) for name, group in index.items()},
    )


def pin_from_line(line: RequirementLine) -> Pin | MalformedPin:
    requirement = line.requirement
    specs = list(requirement.specifier)
    if requirement.url:
        return MalformedPin(line, "a URL is not a pin")
    if len(specs) != 1 or specs[0].operator not in ("===", "=="):
        return MalformedPin(
            line, f"'{requirement.specifier}' is not an exact pin (name===version)"
        )
    text = specs[0].version
    if text.endswith(".*"):
        return MalformedPin(line, f"'{text}' is a wildcard, not an exact version")
    try:
        version = Version(text)
    except InvalidVersion:
        return MalformedPin(line, f"'{text}' is not a valid version (PEP 440)")
    return Pin(line, version, requirement.marker)
