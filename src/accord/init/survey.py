"""Find the fleet's projects and read what each declares, statically.

A project's requirement sources come from the loader every other command
uses (:func:`accord.project.load_project`); the Pythons it supports come
from ``requires-python`` / ``python_requires`` and the ``Programming
Language :: Python :: 3.X`` classifiers of ``pyproject.toml`` and
``setup.cfg``. Nothing here runs project code: ``setup.py`` is never read.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from accord.config import DEFAULT_CONFIG, Config
from accord.errors import InputError
from accord.files import read_text
from accord.project import Project, load_project

# What marks a directory as a project when a workspace is searched.
PROJECT_MARKERS = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "requirements.txt",
    "test-requirements.txt",
)
_CLASSIFIER = "Programming Language :: Python :: "
_OTHER_REQUIREMENTS = ("*requirements*.txt", "*/*requirements*.txt")


@dataclass(frozen=True, slots=True)
class PythonDeclaration:
    """What one project says about the Pythons it supports."""

    requires_python: SpecifierSet | None
    classifiers: tuple[str, ...]  # "3.X" versions named by classifiers
    where: str  # the file it was read from, for messages


@dataclass(frozen=True, slots=True)
class SurveyedProject:
    entry: str  # its projects.txt entry, relative to the workspace
    project: Project
    pythons: PythonDeclaration | None  # None: it declares none
    unread: tuple[str, ...] = ()  # requirements files the contract does not read


@dataclass(frozen=True, slots=True)
class Fleet:
    """The workspace and the entries (relative to it) of its projects."""

    workspace: Path
    entries: tuple[str, ...]
    chosen: str  # how the workspace was chosen, said to the user


def fleet_from_dirs(dirs: Sequence[Path], workspace: Path | None) -> Fleet:
    """Projects named by directory; entries relative to ``workspace``, or
    else to the directories' common parent."""
    if not dirs:
        raise InputError("no project directories given")
    resolved = []
    for directory in dirs:
        if not directory.is_dir():
            raise InputError("is not a project directory", path=str(directory))
        resolved.append(directory.resolve())
    resolved = list(dict.fromkeys(resolved))
    if workspace is not None:
        base = workspace.resolve()
        chosen = f"the workspace {workspace} (--workspace)"
    else:
        base = Path(os.path.commonpath([p.parent for p in resolved]))
        chosen = f"the workspace {base}, the common parent of the project directories"
    entries = []
    for path in resolved:
        if path == base or not path.is_relative_to(base):
            raise InputError(
                f"is not inside the workspace {base}",
                path=str(path),
                hint="pass --workspace DIR holding every project",
            )
        entries.append(path.relative_to(base).as_posix())
    return Fleet(base, tuple(entries), chosen)


def dirs_from_file(path: Path) -> list[Path]:
    """The project directories a file lists, one a line (relative to the
    file's directory), with ``#`` comments."""
    text = read_text(path)
    dirs = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        directory = path.parent / entry
        if not directory.is_dir():
            raise InputError(
                f"{entry!r} is not a directory", path=str(path), line=lineno
            )
        dirs.append(directory)
    if not dirs:
        raise InputError("lists no project directories", path=str(path))
    return dirs


def fleet_in_workspace(workspace: Path, exclude: Path | None) -> Fleet:
    """Every project directly under ``workspace`` or under an org directory
    in it (``org/name``), as ``fleet`` resolves projects.txt entries."""
    if not workspace.is_dir():
        raise InputError("workspace is not a directory", path=str(workspace))
    skip = None if exclude is None else exclude.resolve()
    entries: list[str] = []
    for child in _subdirs(workspace):
        if child.resolve() == skip:
            continue
        if _is_project(child):
            entries.append(child.name)
            continue
        entries.extend(
            f"{child.name}/{grandchild.name}"
            for grandchild in _subdirs(child)
            if grandchild.resolve() != skip and _is_project(grandchild)
        )
    if not entries:
        raise InputError(
            "no project directories in the workspace (nor in its org directories)",
            path=str(workspace),
        )
    base = workspace.resolve()
    return Fleet(base, tuple(entries), f"the workspace {base}")


def _subdirs(directory: Path) -> list[Path]:
    try:
        children = sorted(directory.iterdir())
    except OSError as error:
        raise InputError(
            f"cannot be listed: {error.strerror}", path=str(directory)
        ) from error
    return [c for c in children if c.is_dir() and not c.name.startswith(".")]


def _is_project(directory: Path) -> bool:
    return any((directory / name).is_file() for name in PROJECT_MARKERS)


def survey(fleet: Fleet, config: Config = DEFAULT_CONFIG) -> list[SurveyedProject]:
    """Each project's sources and Pythons; a project that cannot be read
    stops the run (InputError), since the draft would silently lack it."""
    surveyed = []
    for entry in fleet.entries:
        root = fleet.workspace / PurePosixPath(entry)
        try:
            project = load_project(root, config)
        except InputError as error:  # name the project, not just its file
            if error.path is None or Path(error.path).is_absolute():
                raise
            raise InputError(
                error.message,
                path=f"{root / error.path}",
                line=error.line,
                hint=error.hint,
            ) from error
        surveyed.append(
            SurveyedProject(
                entry, project, read_pythons(project), unread_files(project)
            )
        )
    return surveyed


def unread_files(project: Project) -> tuple[str, ...]:
    """Requirements files beside the contract's (``requirements-dev.txt``,
    ``docs/requirements.txt``) that the configured globs do not read."""
    read = {path for path, _ in project.texts}
    found = {
        relative
        for pattern in _OTHER_REQUIREMENTS
        for path in project.root.glob(pattern)
        if path.is_file()
        and not (relative := path.relative_to(project.root).as_posix()).startswith(".")
    }
    return tuple(sorted(found - read))


def read_pythons(project: Project) -> PythonDeclaration | None:
    """The project's declared Pythons, from pyproject.toml, else setup.cfg."""
    texts = dict(project.texts)
    if "pyproject.toml" in texts:
        found = _from_pyproject(texts["pyproject.toml"])
        if found is not None:
            return found
    if "setup.cfg" in texts:
        return _from_setup_cfg(texts["setup.cfg"])
    return None


def _from_pyproject(text: str) -> PythonDeclaration | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # load_project has already reported it
    table = data.get("project")
    if not isinstance(table, dict):
        return None
    requires = table.get("requires-python")
    classifiers = table.get("classifiers")
    return _declaration(
        requires if isinstance(requires, str) else None,
        [c for c in classifiers if isinstance(c, str)]
        if isinstance(classifiers, list)
        else [],
        "pyproject.toml",
    )


def _from_setup_cfg(text: str) -> PythonDeclaration | None:
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    requires = None
    for section in ("options", "metadata"):
        if parser.has_option(section, "python_requires"):
            requires = parser.get(section, "python_requires")
            break
    classifiers = (
        parser.get("metadata", "classifiers").splitlines()
        if parser.has_option("metadata", "classifiers")
        else []
    )
    return _declaration(requires, classifiers, "setup.cfg")


def _declaration(
    requires: str | None, classifiers: Iterable[str], where: str
) -> PythonDeclaration | None:
    specifier = None
    if requires is not None and requires.strip():
        try:
            specifier = SpecifierSet(requires.strip())
        except InvalidSpecifier:
            specifier = None
    versions = tuple(dict.fromkeys(_classifier_pythons(classifiers)))
    if specifier is None and not versions:
        return None
    return PythonDeclaration(specifier, versions, where)


def _classifier_pythons(classifiers: Iterable[str]) -> Iterable[str]:
    """The ``3.X`` of each ``Programming Language :: Python :: 3.X``."""
    for classifier in classifiers:
        text = classifier.strip()
        if not text.startswith(_CLASSIFIER):
            continue
        version = text.removeprefix(_CLASSIFIER)
        major, dot, minor = version.partition(".")
        if dot and major.isdigit() and minor.isdigit():
            yield version
