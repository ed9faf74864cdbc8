"""The constraints file: exact pins, ``name===version[;marker]``."""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Mapping
from typing import NamedTuple

from packaging.markers import Marker
from packaging.utils import NormalizedName
from packaging.version import InvalidVersion, Version

from accord.model._indexed import IndexedDocument
from accord.model.requirements_file import RequirementLine


class Pin(NamedTuple):
    line: RequirementLine
    version: Version
    marker: Marker | None

    @property
    def name(self) -> NormalizedName:
        return self.line.name

    @property
    def lineno(self) -> int:
        return self.line.lineno


class MalformedPin(NamedTuple):
    """A requirement line in the constraints file that is not an exact pin."""

    line: RequirementLine
    reason: str


class Constraints(IndexedDocument):
    """The pins, parsed a name at a time (see :mod:`accord.model._indexed`).

    ``pins_for`` parses only that name's lines; ``file``, ``pins``,
    ``malformed`` and ``index`` parse the whole file, once.
    """

    __slots__ = ("_index", "_parsed", "_pins")

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        self._parsed: dict[int, Pin | MalformedPin] = {}
        self._pins: tuple[tuple[Pin, ...], tuple[MalformedPin, ...]] | None = None
        self._index: dict[NormalizedName, tuple[Pin, ...]] | None = None

    @property
    def pins(self) -> tuple[Pin, ...]:
        return self._all()[0]

    @property
    def malformed(self) -> tuple[MalformedPin, ...]:
        return self._all()[1]

    @property
    def index(self) -> Mapping[NormalizedName, tuple[Pin, ...]]:
        if self._index is None:
            grouped: dict[NormalizedName, list[Pin]] = {}
            for pin in self.pins:
                grouped.setdefault(pin.name, []).append(pin)
            self._index = {name: tuple(group) for name, group in grouped.items()}
        return self._index

    def pins_for(self, name: NormalizedName) -> tuple[Pin, ...]:
        if self._index is not None:
            return self._index.get(name, ())
        return tuple(
            result
            for position, line in self._lines.requirements_named(name)
            if isinstance(result := self._pin(position, line), Pin)
        )

    def malformed_for(self, name: NormalizedName) -> tuple[MalformedPin, ...]:
        """``name``'s lines that are requirements but not exact pins."""
        return tuple(
            result
            for position, line in self._lines.requirements_named(name)
            if isinstance(result := self._pin(position, line), MalformedPin)
        )

    def _all(self) -> tuple[tuple[Pin, ...], tuple[MalformedPin, ...]]:
        if self._pins is None:
            pins: list[Pin] = []
            malformed: list[MalformedPin] = []
            for position, line in enumerate(self.file.lines):
                if isinstance(line, RequirementLine):
                    result = self._pin(position, line)
                    if isinstance(result, Pin):
                        pins.append(result)
                    else:
                        malformed.append(result)
            self._pins = (tuple(pins), tuple(malformed))
        return self._pins

    def _pin(self, position: int, line: RequirementLine) -> Pin | MalformedPin:
        result = self._parsed.get(position)
        if result is None:
            result = self._parsed[position] = pin_from_line(line)
        return result


def parse_constraints(text: str, path: str) -> Constraints:
    return Constraints(text, path)


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
