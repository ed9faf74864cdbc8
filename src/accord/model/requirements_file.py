"""A requirements file as a sequence of lines that remembers its exact text.

Parsing never fails: a line that cannot be read becomes an :class:`InvalidLine`
carrying the reason, so a check can report it and carry on with the rest.
Writing an unchanged file gives back the same bytes.

The line types are NamedTuples, not frozen dataclasses, for their cost at
start-up (see :mod:`accord.findings`).
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple, TypeAlias

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier
from packaging.utils import NormalizedName, canonicalize_name

from accord.model._lines import (
    BOM,
    join_continuations,
    logical_lines,
    split_comment,
)

# A per-requirement option (``--hash=...``, ``--config-settings``) after the
# requirement on the same line: found by the whitespace just before it (a
# leading ``\s+`` would make the search quadratic on a line of spaces).
# Parentheses in a marker, nested deeper than this, are refused (see below).
MAX_NESTING = 32
_TRAILING_OPTION = re.compile(r"\s--?[A-Za-z]")
# What str.splitlines, and so pip, ends a line at besides "\n" and "\r":
# accord numbers lines as editors and grep do, so text after one of these
# is a line pip reads that accord would not (see _hidden_line).
# Searched for as plain characters: a compiled class holding U+2028 costs
# re ~6 M instructions at import (its 64K-entry map, built in Python).
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class BlankLine(NamedTuple):
    lineno: int
    text: str
    ending: str


class CommentLine(NamedTuple):
    lineno: int
    text: str
    ending: str

    @property
    def comment(self) -> str:
        """The comment's words, without the ``#`` and surrounding space."""
        return self.text.strip().lstrip("#").strip()


class OptionLine(NamedTuple):
    """``-r``, ``-c``, ``-e``, ``--index-url`` and every other pip option."""

    lineno: int
    text: str
    ending: str
    option: str  # "-r", "--index-url", ...
    value: str  # the rest of the line, comment removed, stripped


class RequirementLine(NamedTuple):
    lineno: int
    text: str
    ending: str
    requirement: Requirement
    comment: str | None  # text after "#", untouched; None when there is none
    options: str = ""  # per-requirement options such as "--hash=sha256:..."

    @property
    def name(self) -> NormalizedName:
        return canonical_name(self.requirement.name)

    @property
    def marker_text(self) -> str | None:
        """The marker as written on the line (``sys_platform!='win32'``)."""
        return self.content.partition(";")[2].strip() or None

    @property
    def content(self) -> str:
        """The requirement as written, without comment or trailing options."""
        content = split_comment(join_continuations(self.text))[0].strip()
        return content[: -len(self.options)].rstrip() if self.options else content

    def with_requirement(
        self, requirement: Requirement, comment: str | None
    ) -> "RequirementLine":
        """This line with a new requirement and comment, rendered afresh."""
        text = str(requirement)
        if self.options:
            text += f" {self.options}"
        if comment is not None:
            text += f"  #{comment}" if comment.startswith(" ") else f"  # {comment}"
        return self._replace(text=text, requirement=requirement, comment=comment)


class InvalidLine(NamedTuple):
    """A line that is neither blank, comment, option nor a valid requirement."""

    lineno: int
    text: str
    ending: str
    error: str

    @property
    def complaint(self) -> str:
        """What every message about the line says first."""
        return f"cannot parse {self.text.strip()!r}: {self.error}"


Line: TypeAlias = BlankLine | CommentLine | OptionLine | RequirementLine | InvalidLine


class RequirementsFile(NamedTuple):
    """The lines of one requirements-format file, and where it lives."""

    path: str
    lines: tuple[Line, ...]
    # A UTF-8 byte-order mark before the first line ("\ufeff"), which pip
    # reads past: not part of that line, but kept in the text.
    bom: str = ""

    @property
    def text(self) -> str:
        return self.bom + "".join(line.text + line.ending for line in self.lines)

    def requirements(self) -> Iterator[RequirementLine]:
        for line in self.lines:
            if isinstance(line, RequirementLine):
                yield line

    def invalid_lines(self) -> Iterator[InvalidLine]:
        for line in self.lines:
            if isinstance(line, InvalidLine):
                yield line

    def replace_line(self, old: Line, new: Line) -> "RequirementsFile":
        lines = tuple(new if line is old else line for line in self.lines)
        return self._replace(lines=lines)


def parse_requirements_file(text: str, path: str) -> RequirementsFile:
    """Read requirements-format ``text``; ``path`` is only remembered.

    A line written many times is parsed once (parsing a requirement is the
    costly part), and the copies only get their own number and ending. A
    byte-order mark at the start is not part of the first line (pip skips
    it); the file keeps it.
    """
    bom = BOM if text.startswith(BOM) else ""
    text = text[len(bom) :]
    parsed: dict[str, Line] = {}
    lines: list[Line] = []
    breaks = has_other_breaks(text)
    for lineno, raw, ending in logical_lines(text):
        known = parsed.get(raw)
        if known is None:
            known = parsed[raw] = parse_line(lineno, raw, ending, breaks)
            lines.append(known)
        else:
            lines.append(_moved(known, lineno, ending))
    return RequirementsFile(path, tuple(lines), bom)


def requirements_readable(text: str) -> bool:
    """Whether every line of requirements-format ``text`` reads (no
    :class:`InvalidLine`), each distinct line parsed once."""
    seen: set[str] = set()
    breaks = has_other_breaks(text)
    for lineno, raw, _ in logical_lines(text.removeprefix(BOM)):
        if raw not in seen:
            seen.add(raw)
            if isinstance(parse_line(lineno, raw, "", breaks), InvalidLine):
                return False
    return True


def _moved(line: Line, lineno: int, ending: str) -> Line:
    """``line`` at another place."""
    return line._replace(lineno=lineno, ending=ending)


def line_content(text: str) -> tuple[str, str | None]:
    """A logical line's content, stripped, and its comment (None if none)."""
    content, comment = split_comment(join_continuations(text))
    return content.strip(), comment


def has_other_breaks(text: str) -> bool:
    """Whether ``text`` has a character pip ends a line at that accord does
    not (one scan of a whole file spares its lines the search)."""
    return any(char in text for char in _OTHER_BREAKS)


def parse_line(lineno: int, text: str, ending: str = "", breaks: bool = True) -> Line:
    """One logical line read; ``breaks``: False when its file is known to
    have no character pip ends a line at besides accord's."""
    if breaks and not text.isprintable() and has_other_breaks(text):
        hidden = _hidden_line(text)
        if hidden is not None:
            return InvalidLine(lineno, text, ending, hidden)
    stripped, comment = line_content(text)
    if not stripped:
        if comment is None:
            return BlankLine(lineno, text, ending)
        return CommentLine(lineno, text, ending)
    if stripped.startswith("-"):
        option, value = _option(stripped)
        return OptionLine(lineno, text, ending, option, value.strip())
    options = ""
    trailing = _TRAILING_OPTION.search(stripped)
    if trailing is not None:
        start = len(stripped[: trailing.start()].rstrip())
        stripped, options = stripped[:start], stripped[start:].strip()
    nesting = nesting_problem(stripped)
    if nesting is not None:
        return InvalidLine(lineno, text, ending, nesting)
    # packaging 26 lets InvalidSpecifier out of Requirement() for some
    # lines ("a===1.0,a"): bad input all the same.
    try:
        requirement = parse_requirement(stripped)
    except (InvalidRequirement, InvalidSpecifier) as error:
        return InvalidLine(lineno, text, ending, _first_line(str(error)))
    return RequirementLine(lineno, text, ending, requirement, comment, options)


def _hidden_line(text: str) -> str | None:
    """Why pip reads more than one line from ``text``: a form feed, vertical
    tab or Unicode line separator ends a line for pip (it splits the file
    with str.splitlines), so what follows it is a requirement or option of
    its own that accord's numbering would put in this line (its comment,
    say). None when only blanks or comments follow."""
    parts = re.split(f"[{_OTHER_BREAKS}]", text)
    for part in parts[1:]:
        rest = part.strip()
        if rest and not rest.startswith("#"):
            return (
                f"pip reads {text[len(parts[0])]!r} as a line break, so"
                f" {rest!r} is a line of its own (put it on a line of its own)"
            )
    return None


# What pip installs from a file rather than by name (its ARCHIVE_EXTENSIONS),
# and the URL schemes it reads a line as a link by (``is_url``).
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz",
             ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma")  # fmt: skip
_LINK = r"(?i)(?:https?|file|ftp|(?:git|hg|svn|bzr)\+[a-z-]+):"
_NOT_A_PATH = "<>=!~"  # a specifier: a line with one is a bad requirement


def installs_artefact(line: Line) -> bool:
    """Whether pip reads ``line`` as a path or URL to install, with no
    library named: ``.``, ``../lib``, ``dist/p-1.0-py3-none-any.whl``,
    ``p-1.0.tar.gz``, ``https://host/p-1.0.tar.gz`` (with extras or a
    marker). What it installs is known only from the artefact, as for an
    ``-e`` line. Lexical, as pip's ``parse_req_from_line`` is but for the
    look it takes at the disk.
    """
    if isinstance(line, RequirementLine):  # "p-1.0.tar.gz" reads as a name
        requirement = line.requirement
        return (
            requirement.url is None
            and not requirement.specifier  # "p.zip>=1" is a name to pip too
            and _archive(requirement.name)
        )
    if not isinstance(line, InvalidLine):
        return False
    content = line_content(line.text)[0]
    trailing = _TRAILING_OPTION.search(content)
    if trailing is not None:  # "./p.whl --hash=..."
        content = content[: trailing.start()]
    if re.match(_LINK, content):
        return True
    target = content.partition(";")[0].strip()
    if target.endswith("]"):  # "./sub[extra]"
        target = target.rpartition("[")[0]
    if not target or any(c in target for c in _NOT_A_PATH):
        return False
    return _archive(target) or target.startswith(".") or "/" in target


# An editable install from a version-control checkout, and the library its
# URL's ``#egg=`` fragment names (pip's ``[#&]egg=([^&]*)``; a ``&`` may
# follow with ``subdirectory=``); the name must be one packaging reads.
_EDITABLE = frozenset({"-e", "--editable"})
# Patterns, compiled on first use (re's cache): most runs never meet one.
_VCS = r"(?i)(?:git|hg|svn|bzr)\+[a-z-]+:"
_EGG = r"[#&]egg=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?=$|[&\s])"


def checkout_name(line: Line) -> str | None:
    """The library an ``-e VCS-URL#egg=NAME`` line installs from a checkout
    (``NAME`` as written), or None for any other line: the form OpenStack's
    requirements tools read a URL's library from. Without ``-e`` pip
    installs the same checkout (not editable): packaging cannot read that
    line, so it is an :class:`InvalidLine` here."""
    if type(line) is OptionLine and line.option in _EDITABLE:
        value = line.value
    elif type(line) is InvalidLine:
        value = line_content(line.text)[0]
    else:
        return None
    if "egg=" not in value or re.match(_VCS, value) is None:
        return None
    match = re.compile(_EGG).search(value, max(value.find("#"), 0))
    return None if match is None else match.group(1)


def is_checkout_url(url: str) -> bool:
    """Whether a PEP 508 direct reference's ``url`` is a version-control
    checkout (``git+https://...``), as an ``-e`` line's is."""
    return re.match(_VCS, url) is not None


def _archive(name: str) -> bool:
    return name.lower().endswith(_ARCHIVES)


def _option(stripped: str) -> tuple[str, str]:
    """An option line's option and value, split as pip's parser splits them:
    ``--name value``, ``--name=value``, ``-r value`` (any whitespace between)
    and ``-rvalue``."""
    first, _, value = stripped.partition(" ")
    if "\t" in first:
        first, _, rest = first.partition("\t")
        value = f"{rest} {value}"
    if first.startswith("--"):
        if "=" in first:
            first, _, value = stripped.partition("=")
        return first, value
    if len(first) > 2:  # a short option with its value attached: -rfile
        return first[:2], stripped[2:]
    return first, value


@lru_cache(maxsize=16384)
def canonical_name(name: str) -> NormalizedName:
    """``canonicalize_name(name)``, once per distinct name in a process: a
    line's name is asked for many times (validate asks ~4,500 times)."""
    return canonicalize_name(name)


@lru_cache(maxsize=16384)
def parse_requirement(text: str) -> Requirement:
    """``Requirement(text)``, parsed once per distinct text in a process.

    A fleet writes the same few hundred lines thousands of times; nothing in
    accord changes a parsed requirement, so one object serves every place.
    An invalid text raises each time (exceptions are not cached).
    """
    return Requirement(text)


def nesting_problem(requirement: str) -> str | None:
    """Why a requirement's marker is nested too deeply to parse, if it is.

    packaging parses parentheses by recursion: a few hundred levels end in a
    RecursionError. Real markers nest two or three deep.
    """
    if requirement.count("(") <= MAX_NESTING:
        return None
    depth = deepest = 0
    for character in requirement:
        if character == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif character == ")":
            depth -= 1
    if deepest <= MAX_NESTING:
        return None
    return f"has parentheses nested {deepest} deep; accord reads up to {MAX_NESTING}"


def _first_line(message: str) -> str:
    return message.splitlines()[0] if message else "not a valid requirement"
