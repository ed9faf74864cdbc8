"""The global list: every library projects may use, grouped in sections.

Each entry is ``name[extras]specifier;marker  # Licence``. The comment lines
directly above an entry are its rationale (why a cap or exclusion exists).
A name may appear on several lines with different markers.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from packaging.requirements import Requirement
from packaging.utils import NormalizedName

from accord.model._indexed import IndexedDocument
from accord.model.requirements_file import (
    InvalidLine,
    RequirementLine,
)

# Compiled by re when first used: only a comment naming a section, or a
# licence comment written "license: X", needs one (most lists have neither).
_SECTION = r"^\s*##\s*section\s*:\s*(?P<name>\S.*?)\s*$"
_LICENCE_PREFIX = r"(?i)^\s*licen[cs]e\s*:\s*"


class GlobalEntry(NamedTuple):
    line: RequirementLine
    section: str | None
    licence: str | None  # as written, "" never: None when absent
    note: str | None  # a second comment after the licence ("# LGPL # why")
    rationale: tuple[str, ...]  # comment lines directly above, words only
    # (a bare "#" among them is left out: it says nothing)

    @property
    def name(self) -> NormalizedName:
        return self.line.name

    @property
    def requirement(self) -> Requirement:
        return self.line.requirement

    @property
    def lineno(self) -> int:
        return self.line.lineno


class GlobalList(IndexedDocument):
    """The global list, parsed a name at a time (see :mod:`accord.model._indexed`).

    ``entries_for`` parses only that name's lines; ``file``, ``entries``,
    ``index`` and ``names`` parse the whole file, once. Either way the
    entries are the same objects, so a finding does not depend on which was
    asked first.
    """

    __slots__ = ("_context", "_entries", "_index", "_parsed", "sections")

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        # For each requirement line: its section and the comments above it,
        # read without parsing any requirement.
        self._context: dict[int, tuple[str | None, tuple[str, ...]]] = {}
        self._parsed: dict[int, GlobalEntry] = {}
        self._entries: tuple[GlobalEntry, ...] | None = None
        self._index: dict[NormalizedName, tuple[GlobalEntry, ...]] | None = None
        sections: list[str] = []
        section: str | None = None
        rationale: list[str] = []
        for position, ((_, line, _), kind) in enumerate(
            zip(self._lines.raw, self._lines.kinds, strict=True)
        ):
            if kind == "comment":
                match = re.match(_SECTION, line) if "section" in line else None
                if match:
                    section = match.group("name")
                    sections.append(section)
                    rationale = []
                elif words := line.strip().lstrip("#").strip():
                    rationale.append(words)  # a bare "#" gives no reason
                continue
            if kind == "requirement":
                self._context[position] = (section, tuple(rationale))
            rationale = []
        self.sections: tuple[str, ...] = tuple(sections)

    @property
    def entries(self) -> tuple[GlobalEntry, ...]:
        if self._entries is None:
            self._entries = tuple(
                self._entry(position, line)
                for position in self._context
                if isinstance(line := self._lines.line(position), RequirementLine)
            )
        return self._entries

    @property
    def index(self) -> Mapping[NormalizedName, tuple[GlobalEntry, ...]]:
        if self._index is None:
            grouped: dict[NormalizedName, list[GlobalEntry]] = {}
            for entry in self.entries:
                grouped.setdefault(entry.name, []).append(entry)
            self._index = {name: tuple(group) for name, group in grouped.items()}
        return self._index

    def invalid_lines(self) -> Iterator[InvalidLine]:
        return self.file.invalid_lines()

    def entries_for(self, name: NormalizedName) -> tuple[GlobalEntry, ...]:
        if self._index is not None:
            return self._index.get(name, ())
        return tuple(
            self._entry(position, line)
            for position, line in self._lines.requirements_named(name)
        )

    def names(self) -> frozenset[NormalizedName]:
        if self._index is not None:
            return frozenset(self._index)
        # The names of the valid lines, without making their entries (a
        # review asks for the names, then for one library's entries).
        return frozenset(
            line.name
            for position in self._context
            if isinstance(line := self._lines.line(position), RequirementLine)
        )

    def _entry(self, position: int, line: RequirementLine) -> GlobalEntry:
        entry = self._parsed.get(position)
        if entry is None:
            section, rationale = self._context[position]
            licence, note = split_licence(line.comment)
            entry = GlobalEntry(line, section, licence, note, rationale)
            self._parsed[position] = entry
        return entry


def parse_global_list(text: str, path: str) -> GlobalList:
    return GlobalList(text, path)


def split_licence(comment: str | None) -> tuple[str | None, str | None]:
    """The licence and any further note in an entry's trailing comment."""
    if comment is None:
        return None, None
    licence, _, note = comment.partition("#")
    if ":" in licence:
        licence = re.sub(_LICENCE_PREFIX, "", licence)
    licence = licence.strip()
    return (licence or None), (note.strip() or None)
