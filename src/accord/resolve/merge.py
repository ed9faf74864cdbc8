"""Merge per-Python resolutions into one constraints file.

One plain ``name===version`` line where every Python agrees; otherwise one
line per run of Pythons sharing a version, with a valid PEP 508
``python_version`` marker (a range for a middle run). Versions and Pythons
are compared as versions, never as strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version


@dataclass(frozen=True, slots=True)
class ResolvedPin:
    name: NormalizedName
    display: str  # the spelling to write
    version: Version


@dataclass(frozen=True, slots=True)
class MergedLine:
    name: NormalizedName
    display: str
    version: Version
    pythons: tuple[str, ...]  # the Pythons this line covers
    marker: str | None

    @property
    def text(self) -> str:
        marker = f";{self.marker}" if self.marker else ""
        return f"{self.display}==={self.version}{marker}"


def sort_pythons(pythons: Iterable[str]) -> list[str]:
    return sorted(set(pythons), key=Version)


def merge_pins(
    per_python: Mapping[str, Mapping[NormalizedName, ResolvedPin]],
    spellings: Mapping[NormalizedName, str] | None = None,
) -> list[MergedLine]:
    """Constraint lines for every name, sorted by canonical name."""
    pythons = sort_pythons(per_python)
    names = sorted({name for pins in per_python.values() for name in pins})
    lines: list[MergedLine] = []
    for name in names:
        versions = [
            per_python[p][name].version if name in per_python[p] else None
            for p in pythons
        ]
        display = (spellings or {}).get(name) or next(
            per_python[p][name].display for p in pythons if name in per_python[p]
        )
        lines.extend(_lines_for(name, display, pythons, versions))
    return lines


def _lines_for(
    name: NormalizedName,
    display: str,
    pythons: Sequence[str],
    versions: Sequence[Version | None],
) -> list[MergedLine]:
    if None not in versions and len(set(versions)) == 1:
        version = versions[0]
        assert version is not None
        return [MergedLine(name, display, version, tuple(pythons), None)]
    lines = []
    start = 0
    while start < len(pythons):
        end = start
        while end + 1 < len(pythons) and versions[end + 1] == versions[start]:
            end += 1
        version = versions[start]
        if version is not None:
            marker = python_marker(pythons, start, end)
            lines.append(
                MergedLine(
                    name, display, version, tuple(pythons[start : end + 1]), marker
                )
            )
        start = end + 1
    return lines


def python_marker(pythons: Sequence[str], start: int, end: int) -> str:
    """The marker selecting ``pythons[start..end]`` out of ``pythons``.

    A run at either end is left open (``<`` the next Python, ``>=`` its
    first), so Pythons just outside the supported set still get a pin.
    """
    first = pythons[start]
    lower = f"python_version>='{first}'"
    if end == len(pythons) - 1:
        return lower
    upper = f"python_version<'{pythons[end + 1]}'"
    if start == 0:
        return upper
    if start == end:
        return f"python_version=='{first}'"
    return f"{lower} and {upper}"


def spelling_map(names: Iterable[str]) -> dict[NormalizedName, str]:
    """Canonical name -> the first spelling seen, to keep a file's style."""
    spellings: dict[NormalizedName, str] = {}
    for name in names:
        spellings.setdefault(canonicalize_name(name), name)
    return spellings
