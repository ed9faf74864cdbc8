"""A requirements-format file whose requirement lines are parsed when asked.

Splitting a file into lines and reading the name each requirement line
starts with is cheap; packaging's parser costs about 10 us a line. A check of
one project needs the central lines of a few dozen names out of ~1,100, so
the central files parse a name's lines when that name is asked for, and
every line only when something wants the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, cast

from packaging.utils import NormalizedName, canonicalize_name

from accord.model._lines import BOM, logical_lines
from accord.model.requirements_file import (
    InvalidLine,
    Line,
    RequirementLine,
    RequirementsFile,
    has_other_breaks,
    line_content,
    parse_line,
)

# Compiled by re when first used: only a file with continuations or "\r"
# reads its names a line at a time.
_NAME_CHARACTERS = r"[A-Za-z0-9._-]+"
# The name a line starts with, in text already folded as canonicalize_name
# folds a name (lower case, "-" for "." and "_", no "--"): each match is a
# whole line, so findall gives one name a line ("" for none) and the regex
# is not tried again at every character.
_FOLDED_NAME = re.compile(r"[^\S\n]*([a-z0-9][a-z0-9-]*)?[^\n]*\n?")


# "requirement" also for a line that then fails to parse as one.
Kind = Literal["blank", "comment", "option", "requirement"]


def leading_name(content: str) -> NormalizedName | None:
    """The canonical name a requirement line's content starts with.

    For a line packaging accepts this is its name: packaging reads the
    longest run of name characters back to a word boundary, and a line where
    that run is longer than the name is one it rejects (no requirement goes
    on with ``.``, ``-`` or ``_``). So it picks the lines to parse for a
    name; whether they parse is still packaging's answer.
    """
    match = re.match(_NAME_CHARACTERS, content)
    return None if match is None else canonicalize_name(match.group())


class IndexedFile:
    """The lines of one file, found by name at once and parsed one by one."""

    __slots__ = (
        "_breaks", "_by_name", "_file", "_kinds", "_parsed", "body", "bom", "path",
        "raw", "text",
    )  # fmt: skip

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.text = text  # as read: what a digest of the file is taken of
        # A byte-order mark (pip reads past it) is no part of the first line.
        self.bom = BOM if text.startswith(BOM) else ""
        self.body = text[len(self.bom) :]
        # (lineno, text, ending) of each logical line: plain tuples, since
        # every line of every central file is split on every run.
        self.raw: Sequence[tuple[int, str, str]] = logical_lines(self.body)
        self._kinds: list[Kind] | None = None
        self._parsed: dict[int, Line] = {}
        self._breaks = has_other_breaks(self.body)
        self._file: RequirementsFile | None = None
        self._by_name = self._index_names()

    def _index_names(self) -> dict[NormalizedName, list[int]]:
        """The indexes of the lines that may be each name's requirements.

        A file of one logical line per "\n"-ended physical line (the
        central files) is folded as a whole, as canonicalize_name folds one
        name, and one regex pass reads every line's name: a check of one
        project reads ~1,200 central lines, of which it asks for ~150.
        Folding keeps the lines and the name characters where they are, so
        a name packaging reads off a line is the name found here; a line
        found under a wrong name is only parsed, and left out, if asked.
        """
        by_name: dict[NormalizedName, list[int]] = {}
        if "\\" in self.body or "\r" in self.body:
            for index, (_, line, _) in enumerate(self.raw):
                if self.kinds[index] == "requirement":
                    name = leading_name(line_content(line)[0])
                    if name is not None:
                        by_name.setdefault(name, []).append(index)
            return by_name
        folded = self.body.lower().replace("_", "-").replace(".", "-")
        while "--" in folded:
            folded = folded.replace("--", "-")
        names: list[str] = _FOLDED_NAME.findall(folded)
        found: dict[str, list[int]] = {}
        for index in range(len(self.raw)):
            if token := names[index]:
                found.setdefault(token, []).append(index)
        return cast("dict[NormalizedName, list[int]]", found)

    @property
    def kinds(self) -> list[Kind]:
        """What each line is, without parsing any requirement."""
        if self._kinds is None:
            self._kinds = kinds = []
            for _, line, _ in self.raw:
                if "\\" in line:
                    content, comment = line_content(line)
                    if not content:
                        kinds.append("blank" if comment is None else "comment")
                        continue
                else:
                    # No continuation: the content starts where the text
                    # does, and a "#" first means a comment (what
                    # line_content finds, without splitting).
                    content = line.lstrip()
                    if not content:
                        kinds.append("blank")
                        continue
                    if content[0] == "#":
                        kinds.append("comment")
                        continue
                kinds.append("option" if content[0] == "-" else "requirement")
        return self._kinds

    def line(self, index: int) -> Line:
        """Line ``index`` (0-based) parsed, the same object every time."""
        line = self._parsed.get(index)
        if line is None:
            line = self._parsed[index] = parse_line(*self.raw[index], self._breaks)
        return line

    def requirements_named(
        self, name: NormalizedName
    ) -> list[tuple[int, RequirementLine]]:
        """The valid requirement lines for ``name``, with their indexes, in order."""
        found = []
        for index in self._by_name.get(name, ()):
            line = self.line(index)
            if isinstance(line, RequirementLine) and line.name == name:
                found.append((index, line))
        return found

    def unreadable_named(self, name: NormalizedName) -> list[InvalidLine]:
        """The lines that start with ``name`` but cannot be read
        (``requests!=2.32.0,,``): a line there, even if broken, means the
        file names the library."""
        return [
            line
            for index in self._by_name.get(name, ())
            if isinstance(line := self.line(index), InvalidLine)
        ]

    def file(self) -> RequirementsFile:
        """Every line parsed: what validate, sync and the resolvers read."""
        if self._file is None:
            self._file = RequirementsFile(
                self.path, tuple(self.line(i) for i in range(len(self.raw))), self.bom
            )
        return self._file


class IndexedDocument:
    """A central file read through an :class:`IndexedFile`: the base of the
    global list, the pins and the name lists."""

    __slots__ = ("_lines",)

    def __init__(self, text: str, path: str) -> None:
        self._lines = IndexedFile(text, path)

    @property
    def path(self) -> str:
        return self._lines.path

    @property
    def text(self) -> str:
        """The file's text, as read."""
        return self._lines.text

    def unreadable_for(self, name: NormalizedName) -> tuple[InvalidLine, ...]:
        """The lines for ``name`` that cannot be read (validate's G001): the
        file names the library there, though nothing can be said of how."""
        return tuple(self._lines.unreadable_named(name))

    @property
    def file(self) -> RequirementsFile:
        """Every line parsed."""
        return self._lines.file()
