"""The global list: every library projects may use, grouped in sections.

Each entry is ``name[extras]specifier;marker  # Licence``. The comment lines
directly above an entry are its rationale (why a cap or exclusion exists).
A name may appear on several lines with different markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from packaging.requirements import Requirement
from packaging.utils import NormalizedName

from accord.model.requirements_file import (
    CommentLine,
    InvalidLine,
    RequirementLine,
    RequirementsFile,
    parse_requirements_file,
)

_SECTION = re.compile(r"^\s*##\s*section\s*:\s*(?P<name>\S.*?)\s*$")
_LICENCE_PREFIX = re.compile(r"^\s*licen[cs]e\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GlobalEntry:
    line: RequirementLine
    section: str | None
    licence: str | None  # as written, "" never: None when absent
    note: str | None  # a second comment after the licence ("# LGPL # why")
    rationale: tuple[str, ...]  # comment lines directly above, words only

    @property
    def name(self) -> NormalizedName:
        return self.line.name

    @property
    def requirement(self) -> Requirement:
        return self.line.requirement

    @property
    def lineno(self) -> int:
        return self.line.lineno


@dataclass(frozen=True, slots=True)
class GlobalList:
    file: RequirementsFile
    entries: tuple[GlobalEntry, ...]
    sections: tuple[str, ...]
    index: Mapping[NormalizedName, tuple[GlobalEntry, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def path(self) -> str:
        return self.file.path

    def invalid_lines(self) -> Iterator[InvalidLine]:
        return self.file.invalid_lines()

    def entries_for(self, name: NormalizedName) -> tuple[GlobalEntry, ...]:
        return self.index.get(name, ())

    def names(self) -> frozenset[NormalizedName]:
        return frozenset(self.index)


def parse_global_list(text: str, path: str) -> GlobalList:
    file = parse_requirements_file(text, path)
    entries: list[GlobalEntry] = []
    sections: list[str] = []
    section: str | None = None
    rationale: list[str] = []
    for line in file.lines:
        if isinstance(line, CommentLine):
            match = _SECTION.match(line.text)
            if match:
                section = match.group("name")
                sections.append(section)
                rationale = []
            else:
                rationale.append(line.comment)
            continue
        if isinstance(line, RequirementLine):
            licence, note = split_licence(line.comment)
            entries.append(GlobalEntry(line, section, licence, note, tuple(rationale)))
        rationale = []
    grouped: dict[NormalizedName, list[GlobalEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.name, []).append(entry)
    index = {name: tuple(group) for name, group in grouped.items()}
    return GlobalList(file, tuple(entries), tuple(sections), index)


def split_licence(comment: str | None) -> tuple[str | None, str | None]:
    """The licence and any further note in an entry's trailing comment."""
    if comment is None:
        return None, None
    licence, _, note = comment.partition("#")
    licence = _LICENCE_PREFIX.sub("", licence).strip()
    return (licence or None), (note.strip() or None)
