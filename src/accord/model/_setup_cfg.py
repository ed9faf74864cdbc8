"""Read the requirement lists of a setup.cfg, with the line of each entry.

configparser reads these values but forgets where each line was, and accord
must point at lines; so this is a small line scanner that follows the rules
configparser applies when setuptools reads setup.cfg:

* ``[section]`` headers; ``key = value`` or ``key: value`` lines;
* a line indented deeper than its key continues the key's value;
* blank lines inside a value are allowed, and so are whole-line comments
  (``#`` or ``;``), which do not end the value.

Every value then goes through configparser's interpolation, as setuptools
(``Distribution._parse_config_files``) and pbr read the file with
``ConfigParser()``: ``%%`` is one ``%``, and a lone ``%`` in any value makes
the whole file unreadable to them.

setuptools then takes one requirement per line and drops `` #`` comments;
a value written only on its key's line is split at ``;`` instead (not by
pbr, which reads ``[extras]`` itself).
Only ``[options] install_requires``, ``[options.extras_require]`` and pbr's
``[extras]`` are read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement
from packaging.specifiers import InvalidSpecifier

from accord.model._pyproject import (
    RawProblem,
    RawRequirement,
    RawSource,
    read_requirement,
)
from accord.model.requirements_file import nesting_problem, parse_requirement

if TYPE_CHECKING:
    from accord.model.sources import SourceKind

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SECTION = re.compile(r"\[(?P<header>.+)\]")  # as configparser matches it
_OPTION = re.compile(r"(?P<key>.*?)\s*[=:]\s*(?P<value>.*)$")
_INLINE_COMMENT = re.compile(r"\s#")
# configparser's BasicInterpolation: "%%", a "%(name)s" reference, or a lone
# "%" (the group missing), which it refuses.
_PERCENT = re.compile(r"%(?P<after>%|\((?P<name>[^)]+)\)s)?")


def parse(text: str) -> list[RawSource]:
    sources: list[RawSource] = []
    seen: dict[tuple[str, str], int] = {}  # (section, key) -> line
    headers: dict[str, int] = {}  # section -> line of its header
    section: str | None = None
    key: str | None = None  # the key whose value continues on indented lines
    key_indent = 0
    source: RawSource | None = None  # the source being read, if key is one
    # The value on a key's line (at most one), held until it is known whether
    # indented lines continue it: setuptools splits a one-line value at ";".
    held: list[tuple[RawSource, str, int]] = []
    # Lines configparser refuses outside a requirement list: setuptools
    # cannot read the file at all, so they are problems too (of the file).
    unreadable = RawSource("setup.cfg", None, None)
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        indent = len(line) - len(line.lstrip())
        if key is not None and indent > key_indent:
            _continue_value(held, source, stripped, number, unreadable)
            continue
        _flush(held, one_line=True)
        key_indent = indent
        header = _SECTION.match(stripped)
        if header is not None:
            section, key, source = header.group("header"), None, None
            _note_header(section, number, headers, unreadable.problems)
            continue
        option = _OPTION.match(stripped)
        if option is not None and not option.group("key"):
            option = None  # "= value": configparser refuses an empty key too
        if section is None:  # configparser stops at the first such line
            if not unreadable.problems:
                unreadable.problems.append(RawProblem(number, _no_header(stripped)))
            continue
        if option is None:
            # configparser rejects such a line and keeps the key open.
            if source is not None:
                source.problems.append(RawProblem(number, _not_indented(stripped)))
            else:
                unreadable.problems.append(RawProblem(number, _stray(stripped)))
            continue
        key = option.group("key")
        source = _source(section, key, number)
        value = _interpolate(option.group("value"), number, source, unreadable)
        if source is None:
            continue
        sources.append(source)
        first = seen.setdefault((str(section), key), number)
        if first != number:
            source.problems.append(RawProblem(number, _duplicate(key, first)))
        if value:
            held.append((source, value, number))
    _flush(held, one_line=True)
    return [unreadable, *sources] if unreadable.problems else sources


def _continue_value(
    held: list[tuple[RawSource, str, int]],
    source: RawSource | None,
    text: str,
    line: int,
    unreadable: RawSource,
) -> None:
    """A line that continues the value of the key above (``source``'s)."""
    _flush(held, one_line=False)
    value = _interpolate(text, line, source, unreadable)
    if source is not None:
        _add(source, value, line)


def _interpolate(
    value: str, line: int, source: RawSource | None, unreadable: RawSource
) -> str:
    """``value`` as configparser gives it to setuptools: ``%%`` read as
    ``%``. A lone ``%`` (setuptools cannot read the file) and a ``%(name)s``
    reference in a requirement (accord does not expand it) are problems."""
    if "%" not in value:
        return value
    for match in _PERCENT.finditer(value):
        if match.group("after") is None:
            if not any(p.line == line for p in unreadable.problems):
                unreadable.problems.append(RawProblem(line, _lone_percent(value)))
        elif match.group("name") is not None and source is not None:
            source.problems.append(RawProblem(line, _reference(match.group(0))))
    return _PERCENT.sub(lambda m: "%" if m.group("after") == "%" else m.group(0), value)


def _source(section: str | None, key: str, line: int) -> RawSource | None:
    """A source for ``key`` in ``section`` if it holds requirements."""
    kind: SourceKind
    if section == "options" and key.replace("-", "_") == "install_requires":
        return RawSource("setup.cfg install_requires", None, line)
    if section == "options.extras_require":
        kind = "setup.cfg extras_require"
    elif section == "extras":
        kind = "pbr extras"
    else:
        return None
    return RawSource(kind, key, line)


def _flush(held: list[tuple[RawSource, str, int]], one_line: bool) -> None:
    """Add the value held from a key's line, now that it is known whether
    indented lines continue it."""
    if held:
        (_add_one_line if one_line else _add)(*held.pop())


def _note_header(
    section: str, line: int, headers: dict[str, int], problems: list[RawProblem]
) -> None:
    """configparser refuses a section written twice (but [DEFAULT])."""
    first = headers.setdefault(section, line)
    if first != line and section != "DEFAULT":
        problems.append(RawProblem(line, _twice(section, first)))


def _add_one_line(source: RawSource, value: str, line: int) -> None:
    """Add a value written only on its key's line: setuptools (not pbr's
    ``[extras]``) splits such a value at ``;``, so ``a>=1; b>=2`` is two
    requirements, and ``a>=1; python_version<"3.9"`` a requirement and a
    marker it cannot read as one."""
    text = _INLINE_COMMENT.split(value, maxsplit=1)[0].strip()
    if ";" not in text or source.kind == "pbr extras" or text.startswith("file:"):
        _add(source, value, line)
        return
    parts = [part.strip() for part in text.split(";") if part.strip()]
    known = len(source.problems)
    for part in parts:
        _add(source, part, line)
    if len(parts) == 2 and len(source.problems) > known and _has_marker(text):
        source.problems[known:] = [RawProblem(line, _split_marker(text, parts))]


def _has_marker(text: str) -> bool:
    try:
        return parse_requirement(text).marker is not None
    except (InvalidRequirement, InvalidSpecifier):
        return False


def _add(source: RawSource, value: str, line: int) -> None:
    """Add one line of a value: a requirement, once its comment is dropped."""
    text = _INLINE_COMMENT.split(value, maxsplit=1)[0].strip()
    if not text or text.startswith("#"):  # "key = # note": setuptools skips it
        return
    if text.startswith("file:"):  # setuptools reads these files: so does accord
        files = text.removeprefix("file:").split(",")
        source.files += [(name.strip(), line) for name in files if name.strip()]
        return
    if source.kind == "pbr extras" and ":" in text and nesting_problem(text) is None:
        colon = _pbr_colon_marker(text, line)
        if colon is not None:
            source.requirements.append(colon)
            return
    requirement = read_requirement(text, line, source.problems)
    if requirement is not None:
        source.requirements.append(requirement)


def _pbr_colon_marker(text: str, line: int) -> RawRequirement | None:
    """``package:marker``, as pbr reads a line of ``[extras]`` (it splits at
    the first colon), where the line is no PEP 508 requirement as written
    (a URL's colon is not a marker's): None otherwise."""
    try:
        parse_requirement(text)
    except (InvalidRequirement, InvalidSpecifier):
        package, _, marker = text.partition(":")
        try:
            requirement = parse_requirement(f"{package.strip()};{marker.strip()}")
        except (InvalidRequirement, InvalidSpecifier):
            return None
        return RawRequirement(requirement, line, text)
    return None


def _not_indented(text: str) -> str:
    return (
        f"'{text}' is neither 'key = value' nor indented under the key above, "
        "so setuptools cannot read this file: indent it to continue that value"
    )


def _stray(text: str) -> str:
    return (
        f"'{text}' is neither a [section] header nor 'key = value', so setuptools "
        "cannot read this file: fix or remove the line"
    )


def _lone_percent(text: str) -> str:
    return (
        f"'{text}' holds a '%' that is not '%%', which configparser refuses, so "
        "setuptools cannot read this file: write a literal '%' as '%%'"
    )


def _reference(reference: str) -> str:
    return (
        f"'{reference}' is a configparser reference, which setuptools expands "
        "and accord does not read: write the requirement out in full"
    )


def _no_header(text: str) -> str:
    return (
        f"'{text}' comes before any [section] header, so setuptools cannot read "
        "this file: start it with a header such as [metadata]"
    )


def _split_marker(text: str, parts: list[str]) -> str:
    return (
        f"'{text}' is on its key's line, where setuptools splits at ';' (into "
        f"'{parts[0]}' and '{parts[1]}', which is not a requirement): put it on "
        "its own indented line below the key to keep the marker"
    )


def _twice(section: str, first: int) -> str:
    return (
        f"[{section}] is also a section on line {first}, which configparser "
        "refuses, so setuptools cannot read this file: merge the two sections"
    )


def _duplicate(key: str, first: int) -> str:
    return (
        f"'{key}' is also set on line {first} of this section, which configparser "
        "refuses: merge the two into one"
    )
