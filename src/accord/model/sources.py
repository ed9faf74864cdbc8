"""Where a project declares its requirements, each requirement with its line.

A project declares requirements in several places: requirements files,
``pyproject.toml`` (``[project]`` dependencies and extras, PEP 735 dependency
groups, ``[build-system] requires``) and ``setup.cfg`` (setuptools' options,
pbr's extras). Each such list is a :class:`RequirementSource`; every entry in
it knows the file and 1-based line it was written on, so a finding can point
at it and a fix can edit it.

Reading never stops at a bad entry: an entry that cannot be read becomes a
:class:`SourceProblem` and the rest of the list is still read. Only a file
that cannot be read at all (invalid TOML) raises :class:`~accord.errors.InputError`.
accord never runs a build backend, so requirements computed at build time
(``dynamic`` metadata, ``setup.py``) are not seen here; the files setuptools
reads them from (``file:``) are named in :attr:`RequirementSource.files`.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Literal, NamedTuple

from packaging.requirements import Requirement

from accord.model._lines import BOM
from accord.model.requirements_file import (
    RequirementLine,
    RequirementsFile,
    checkout_name,
    installs_artefact,
    line_content,
    parse_requirement,
)

if TYPE_CHECKING:
    from accord.model import _pyproject

SourceKind = Literal[
    "requirements",
    "project.dependencies",
    "project.optional-dependencies",
    "dependency-groups",
    "build-system",
    "setup.cfg install_requires",
    "setup.cfg extras_require",
    "pbr extras",
    "setup.cfg",  # the file itself: lines configparser cannot read
]

# How each kind reads in a label, after the file name.
_SECTIONS: dict[str, str] = {
    "requirements": "",
    "project.dependencies": "[project] dependencies",
    "project.optional-dependencies": "[project.optional-dependencies]",
    "dependency-groups": "[dependency-groups]",
    "build-system": "[build-system] requires",
    "setup.cfg install_requires": "[options] install_requires",
    "setup.cfg extras_require": "[options.extras_require]",
    "pbr extras": "[extras]",
    "setup.cfg": "",
}


class SourceRequirement(NamedTuple):
    """One requirement string and where it was written."""

    requirement: Requirement
    path: str  # the file, as given by the caller
    line: int  # 1-based line of the requirement string in that file
    text: str  # the requirement string as written (its value, without quotes)
    hashed: bool = False  # pinned by ``--hash`` (requirements files only)


class SourceProblem(NamedTuple):
    """An entry that could not be read; the rest of its source still was."""

    path: str
    line: int | None
    message: str  # says what is wrong (and what to do, where fix is None)
    fix: str | None = None  # what to do, where it is said apart


class RequirementSource(NamedTuple):
    """One list of requirements: main dependencies, an extra or a group."""

    path: str
    kind: SourceKind
    group: str | None  # extra / dependency-group name as written; None for main
    requirements: tuple[SourceRequirement, ...]
    problems: tuple[SourceProblem, ...]
    line: int | None  # line of the key or header that declares this source
    # Requirements files this source's requirements are read from (setuptools'
    # ``file:``), each with the line that names it; the loader reads them.
    files: tuple[tuple[str, int | None], ...] = ()
    # ``-e VCS-URL#egg=NAME`` lines (requirements files only): NAME installed
    # from a checkout, each as a requirement of NAME alone, its text the line.
    checkouts: tuple[SourceRequirement, ...] = ()

    @property
    def label(self) -> str:
        """Where this source is, e.g. ``pyproject.toml [dependency-groups] dev``."""
        parts = [self.path, _SECTIONS[self.kind]]
        if self.group is not None:
            parts.append(self.group)
        return " ".join(part for part in parts if part)


def parse_pyproject(
    text: str, path: str, *, include_build_system: bool = False
) -> tuple[RequirementSource, ...]:
    """The requirement sources declared statically in pyproject.toml ``text``.

    ``path`` is only remembered (and named in errors). Raises
    :class:`~accord.errors.InputError` when ``text`` is not valid TOML.
    """
    # Imported here: most projects checked have only requirements files, and
    # these parsers (with tomllib) cost a start-up of every command ~10 ms.
    from accord.model import _pyproject

    raw = _pyproject.parse(text, path, include_build_system=include_build_system)
    return _build(path, raw)


def check_pyproject_syntax(text: str, path: str) -> None:
    """Raise what :func:`parse_pyproject` raises for text that is not TOML."""
    from accord.model import _pyproject

    _pyproject.load_toml(text, path)


def parse_setup_cfg(text: str, path: str) -> tuple[RequirementSource, ...]:
    """The requirement sources in setup.cfg ``text``; never raises."""
    from accord.model import _setup_cfg

    return _build(path, _setup_cfg.parse(text))


def _build(
    path: str, raw_sources: Iterable["_pyproject.RawSource"]
) -> tuple[RequirementSource, ...]:
    return tuple(
        RequirementSource(
            path=path,
            kind=raw.kind,
            group=raw.group,
            requirements=tuple(
                SourceRequirement(item.requirement, path, item.line, item.text)
                for item in raw.requirements
            ),
            problems=tuple(
                SourceProblem(path, problem.line, problem.message)
                for problem in raw.problems
            ),
            line=raw.line,
            files=tuple(raw.files),
        )
        for raw in raw_sources
    )


def source_from_requirements_file(file: RequirementsFile) -> RequirementSource:
    """A requirements-format file as one source; invalid lines are problems.

    A line that installs a path or URL without naming a library (``.``, a
    wheel's file, an sdist's URL) is neither: like an ``-e`` line, it is no
    library of the index, and what it installs cannot be known from it. An
    ``-e VCS-URL#egg=NAME`` line names its library: it is one of the
    source's ``checkouts``.
    """
    contents: dict[str, str] = {}  # once a distinct line: a file may repeat one

    def content(line: RequirementLine) -> str:
        known = contents.get(line.text)
        if known is None:
            known = contents[line.text] = line.content
        return known

    requirements = tuple(
        SourceRequirement(
            line.requirement,
            file.path,
            line.lineno,
            content(line),
            hashed="--hash" in line.options,
        )
        for line in file.requirements()
        if not installs_artefact(line)
    )
    problems = tuple(
        SourceProblem(
            file.path,
            line.lineno,
            line.complaint,
            "write it as name[extras]specifier;marker (PEP 508)",
        )
        for line in file.invalid_lines()
        if not installs_artefact(line)
    )
    checkouts = tuple(
        SourceRequirement(
            parse_requirement(name), file.path, line.lineno, line_content(line.text)[0]
        )
        for line in file.lines
        if (name := checkout_name(line)) is not None
    )
    return RequirementSource(
        file.path, "requirements", None, requirements, problems, None, (), checkouts
    )


def unread_by_setuptools(
    named: str,
    where: tuple[str, int | None],
    text: str,
    file: RequirementsFile | None,
) -> Iterator[SourceProblem]:
    """What setuptools cannot read in the requirements file ``named`` with
    ``file:`` at ``where`` (its ``text``, and its lines if it was parsed):
    it reads each line as PEP 508, not as pip does, so a byte-order mark
    (setuptools opens it as utf-8, not utf-8-sig) and a line that installs a
    path or URL would fail its build."""
    if text.startswith(BOM):
        # UTF-8's mark, or UTF-16's or UTF-32's (pip reads by it): setuptools
        # opens the file as plain UTF-8 either way.
        message = f"file: {named}: starts with a byte-order mark, which "
        message += "setuptools, reading the file as plain UTF-8, takes for part "
        message += "of its first requirement or cannot decode (pip reads past "
        message += "it); save it as UTF-8 without a BOM"
        yield SourceProblem(*where, message)
    if file is None:
        return
    for line in filter(installs_artefact, file.lines):
        written = line_content(line.text)[0]
        message = f"{written!r} installs a path or URL, which setuptools cannot "
        message += f"read in a file {where[0]} names with file:; name it "
        message += "(name @ URL, PEP 508) or keep it out of this file"
        yield SourceProblem(file.path, line.lineno, message)
