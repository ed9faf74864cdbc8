"""Read the requirement lists of a pyproject.toml, with the line of each entry.

tomllib gives values but no positions, so :class:`Locator` walks the raw text
once (the text is known to be valid TOML by then) and records, for every key
path, the line of the key or table header and the line each array element
starts on. Values are then matched to lines by key path and array index,
which keeps duplicated strings and keys repeated in other tables apart.

The ``Raw*`` records are shared with the setup.cfg reader;
:mod:`accord.model.sources` turns them into the public types.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, NamedTuple, TypeGuard

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier
from packaging.utils import canonicalize_name

from accord.errors import InputError
from accord.model._toml_lines import KeyPath, Locator
from accord.model.requirements_file import nesting_problem, parse_requirement

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

if TYPE_CHECKING:
    from accord.model.sources import SourceKind

_ERROR_AT = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")


class RawRequirement(NamedTuple):
    requirement: Requirement
    line: int
    text: str


class RawProblem(NamedTuple):
    line: int | None
    message: str


class RawSource:
    """One list being read; its entries and problems are appended as found.
    (A plain class: building a dataclass costs every check ~3 M instructions.)"""

    __slots__ = ("files", "group", "kind", "line", "problems", "requirements")

    def __init__(
        self,
        kind: SourceKind,
        group: str | None,
        line: int | None,
        requirements: list[RawRequirement] | None = None,
        problems: list[RawProblem] | None = None,
    ) -> None:
        self.kind = kind
        self.group = group
        self.line = line
        self.requirements = [] if requirements is None else requirements
        self.problems = [] if problems is None else problems
        # Files the requirements are read from (setuptools' ``file:``), each
        # with the line naming it: read as requirements files.
        self.files: list[tuple[str, int | None]] = []


def read_requirement(
    text: str, line: int, problems: list[RawProblem]
) -> RawRequirement | None:
    """``text`` as a requirement, or ``None`` after adding a problem."""
    nesting = nesting_problem(text)
    if nesting is not None:
        shown = text if len(text) <= 60 else f"{text[:60]}..."
        problems.append(RawProblem(line, f"'{shown}' {nesting}"))
        return None
    try:
        return RawRequirement(parse_requirement(text), line, text)
    except (InvalidRequirement, InvalidSpecifier) as error:
        reason = str(error).splitlines()[0] if str(error) else "unreadable"
        problems.append(
            RawProblem(
                line,
                f"'{text}' is not a valid requirement: {reason} "
                "(write it in PEP 508 form, e.g. 'name>=1.0')",
            )
        )
        return None


def parse(text: str, path: str, *, include_build_system: bool) -> list[RawSource]:
    # tomllib and the include-group expansion recurse: a file nested hundreds
    # deep would end in a RecursionError, so it is bad input instead.
    try:
        return _parse(text, path, include_build_system=include_build_system)
    except RecursionError:
        raise InputError(
            "is nested too deeply to read (arrays, tables or include-group "
            "chains hundreds of levels deep)",
            path=path,
        ) from None


def load_toml(text: str, path: str) -> dict[str, object]:
    """The TOML document, or the InputError :func:`parse` would raise for it."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _decode_error(error, text)
        raise InputError(
            message, path=path, line=line, hint="fix the TOML syntax"
        ) from error
    except RecursionError:
        raise InputError(
            "is nested too deeply to read (arrays, tables or include-group "
            "chains hundreds of levels deep)",
            path=path,
        ) from None


def _parse(text: str, path: str, *, include_build_system: bool) -> list[RawSource]:
    data = load_toml(text, path)
    where = Locator(text)
    where.run()
    sources: list[RawSource] = []
    if "project" in data:
        sources += _project(data["project"], where)
        sources += _dynamic_files(data, where)
    if "dependency-groups" in data:
        sources += _dependency_groups(data["dependency-groups"], where)
    build = data.get("build-system")
    if include_build_system and build is not None:
        if not isinstance(build, dict):
            sources.append(
                _not_a_table("build-system", ("build-system",), build, where)
            )
        elif "requires" in build:
            sources.append(_list_source("build-system", None, build["requires"], where))
    return sources


def _decode_error(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, int]:
    """The message and line of a TOML error (3.14 and tomli have attributes)."""
    message, line = getattr(error, "msg", None), getattr(error, "lineno", None)
    if isinstance(message, str) and isinstance(line, int):
        return f"not valid TOML: {message}", line
    message, end = str(error), text.count("\n") + 1
    match = _ERROR_AT.search(message)
    if match is None:
        return f"not valid TOML: {message}", end
    line = int(match.group(1)) if match.group(1) else end
    return f"not valid TOML: {message[: match.start()]}", line


# Where each kind lives in pyproject.toml, and how messages name it.
_PATHS: dict[str, KeyPath] = {
    "project.dependencies": ("project", "dependencies"),
    "project.optional-dependencies": ("project", "optional-dependencies"),
    "dependency-groups": ("dependency-groups",),
    "build-system": ("build-system", "requires"),
}
_NAMES: dict[str, str] = {
    "project.dependencies": "[project] dependencies",
    "project.optional-dependencies": "[project.optional-dependencies]",
    "dependency-groups": "[dependency-groups]",
    "build-system": "[build-system] requires",
}


def _project(project: object, where: Locator) -> list[RawSource]:
    if not isinstance(project, dict):
        return [_not_a_table("project.dependencies", ("project",), project, where)]
    # accord never runs a build backend, so it cannot learn metadata listed in
    # ``dynamic``: such a field has no static requirements to check (only the
    # files setuptools reads them from: see _dynamic_files).
    listed = project.get("dynamic")
    dynamic = (
        {f for f in listed if isinstance(f, str)} if isinstance(listed, list) else set()
    )
    sources: list[RawSource] = []
    if "dependencies" in project:
        source = _list_source(
            "project.dependencies", None, project["dependencies"], where
        )
        if "dependencies" in dynamic:
            source.problems.insert(0, _static_and_dynamic("dependencies", source.line))
        sources.append(source)
    kind: SourceKind = "project.optional-dependencies"
    extras = project.get("optional-dependencies")
    if extras is None:
        return sources
    if not isinstance(extras, dict):
        return [*sources, _not_a_table(kind, _PATHS[kind], extras, where)]
    if "optional-dependencies" in dynamic:
        line = where.keys.get(_PATHS[kind])
        problem = _static_and_dynamic("optional-dependencies", line)
        sources.append(RawSource(kind, None, line, [], [problem]))
    return sources + [
        _list_source(kind, extra, value, where) for extra, value in extras.items()
    ]


Include = tuple[str, int]  # an include-group entry: the group named, its line
Entry = RawRequirement | Include


def _list_source(
    kind: SourceKind, group: str | None, value: object, where: Locator
) -> RawSource:
    """A source whose value must be an array of requirement strings."""
    source, entries = _read(kind, group, value, where)
    source.requirements += [e for e in entries if isinstance(e, RawRequirement)]
    return source


def _read(
    kind: SourceKind, group: str | None, value: object, where: Locator
) -> tuple[RawSource, list[Entry]]:
    """The source declared by array ``value``, with its entries and problems.

    Include-group tables are entries only in dependency groups; anything else
    that is not a valid requirement string becomes a problem.
    """
    path = _PATHS[kind] if group is None else (*_PATHS[kind], group)
    name = _NAMES[kind] if group is None else f"{_NAMES[kind]} {group}"
    source = RawSource(kind, group, where.keys.get(path))
    if not isinstance(value, list):
        source.problems.append(RawProblem(source.line, _not_an_array(name, value)))
        return source, []
    entries: list[Entry] = []
    for item, item_line in zip(value, where.item_lines(path, len(value)), strict=True):
        at = item_line or source.line or 1
        if isinstance(item, str):
            if (requirement := read_requirement(item, at, source.problems)) is not None:
                entries.append(requirement)
        elif kind == "dependency-groups" and _is_include(item):
            entries.append((item["include-group"], at))
        else:
            source.problems.append(RawProblem(at, _not_a_requirement(name, item)))
    return source, entries


def _is_include(item: object) -> TypeGuard[dict[str, str]]:
    return (
        isinstance(item, dict)
        and list(item) == ["include-group"]
        and isinstance(item["include-group"], str)
    )


# Dependency groups by normalised name: the name as written and the entries.
Groups = dict[str, tuple[str, list[Entry]]]


def _dependency_groups(table: object, where: Locator) -> list[RawSource]:
    """PEP 735 groups, each with the requirements of the groups it includes."""
    kind: SourceKind = "dependency-groups"
    if not isinstance(table, dict):
        return [_not_a_table(kind, _PATHS[kind], table, where)]
    groups: Groups = {}
    read: list[tuple[RawSource, list[Entry]]] = []
    for name, value in table.items():
        source, entries = _read(kind, name, value, where)
        first, _ = groups.setdefault(canonicalize_name(name), (name, entries))
        if first != name:
            source.problems.append(RawProblem(source.line, _same_name(name, first)))
        read.append((source, entries))
    for source, entries in read:
        _check_includes(source, entries, groups)
        done: set[str] = {canonicalize_name(str(source.group))}
        _expand(entries, groups, done, source.requirements)
    return [source for source, _ in read]


def _check_includes(source: RawSource, entries: list[Entry], groups: Groups) -> None:
    """Report includes of unknown groups, and includes that lead back here."""
    name = str(source.group)
    for entry in entries:
        if isinstance(entry, RawRequirement):
            continue
        target, line = entry
        if canonicalize_name(target) not in groups:
            message = f"includes group '{target}', which does not exist: add it or "
            message += "remove the include"
        else:
            reached: set[str] = {canonicalize_name(target)}
            _expand(groups[canonicalize_name(target)][1], groups, reached, [])
            if canonicalize_name(name) not in reached:
                continue
            message = f"includes '{target}', which leads back to '{name}': remove "
            message += "an include-group entry to break the cycle"
        source.problems.append(
            RawProblem(line, f"[dependency-groups] {name} {message}")
        )


def _expand(
    entries: list[Entry], groups: Groups, done: set[str], out: list[RawRequirement]
) -> None:
    """Append the requirements of ``entries`` to ``out``, includes expanded.

    A group already in ``done`` is skipped, which ends cycles (reported by
    :func:`_check_includes`) and keeps diamond-shaped includes from repeating.
    """
    for entry in entries:
        if isinstance(entry, RawRequirement):
            out.append(entry)
            continue
        key = canonicalize_name(entry[0])
        if key in groups and key not in done:
            done.add(key)
            _expand(groups[key][1], groups, done, out)


_TYPES = {bool: "a boolean", str: "a string", int: "an integer", float: "a float"}


def _describe(value: object) -> str:
    for kind, text in (*_TYPES.items(), (list, "an array"), (dict, "a table")):
        if isinstance(value, kind):
            return text
    return "a date or time"


def _not_a_table(
    kind: SourceKind, path: KeyPath, value: object, where: Locator
) -> RawSource:
    line = where.keys.get(path)
    name = "[" + ".".join(map(str, path)) + "]"
    message = f"{name} must be a table, not {_describe(value)}: fix its declaration"
    return RawSource(kind, None, line, [], [RawProblem(line, message)])


def _not_an_array(name: str, value: object) -> str:
    return (
        f"{name} must be an array of requirement strings, not {_describe(value)}: "
        'write it as ["name>=1.0", ...]'
    )


def _not_a_requirement(name: str, item: object) -> str:
    what = "a requirement string"
    if name.startswith("[dependency-groups]"):
        what += ' or {include-group = "name"}'
    return f"{name} holds {_describe(item)} where {what} belongs: fix or remove it"


def _same_name(name: str, first: str) -> str:
    return (
        f"[dependency-groups] {name} has the same normalised name as '{first}', "
        "which PEP 735 forbids: merge or rename them"
    )


def _dynamic_files(data: dict[str, object], where: Locator) -> list[RawSource]:
    """The requirements files of setuptools' ``[tool.setuptools.dynamic]``
    (``dependencies = {file = [...]}``, ``optional-dependencies.NAME =
    {file = ...}``) for the fields ``[project] dynamic`` lists: plain files,
    read as they are, so nothing of the project runs."""
    project, tool = data["project"], data.get("tool")
    listed = project.get("dynamic") if isinstance(project, dict) else None
    table = tool.get("setuptools") if isinstance(tool, dict) else None
    table = table.get("dynamic") if isinstance(table, dict) else None
    if not isinstance(listed, list) or not isinstance(table, dict):
        return []
    base: KeyPath = ("tool", "setuptools", "dynamic")
    fields: list[tuple[SourceKind, str | None, KeyPath, object]] = []
    if "dependencies" in listed:
        at = (*base, "dependencies")
        fields.append(("project.dependencies", None, at, table.get("dependencies")))
    extras = table.get("optional-dependencies")
    if "optional-dependencies" in listed and isinstance(extras, dict):
        at = (*base, "optional-dependencies")
        fields += [
            ("project.optional-dependencies", name, (*at, name), value)
            for name, value in extras.items()
        ]
    sources = []
    for kind, group, key, value in fields:
        files = value.get("file") if isinstance(value, dict) else None
        names = [files] if isinstance(files, str) else files
        if isinstance(names, list) and all(isinstance(n, str) for n in names):
            source = RawSource(kind, group, where.keys.get(key))
            source.files = [(name, source.line) for name in names]
            sources.append(source)
    return sources


def _static_and_dynamic(field: str, line: int | None) -> RawProblem:
    return RawProblem(
        line,
        f"'{field}' is listed in [project] dynamic but also given statically, "
        "which PEP 621 forbids: drop it from dynamic or remove the static value",
    )
