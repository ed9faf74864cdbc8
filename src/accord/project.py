"""Load a consuming project's requirement sources from its directory.

Reads requirements files (by the configured globs, then every file they pull
in with ``-r``), ``setup.cfg`` and ``pyproject.toml``. Never runs the
project's code: ``setup.py`` is not read at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from accord.config import Config
from accord.errors import InputError
from accord.files import read_text
from accord.model.requirements_file import (
    OptionLine,
    RequirementsFile,
    parse_requirements_file,
)
from accord.model.sources import (
    RequirementSource,
    SourceProblem,
    parse_pyproject,
    parse_setup_cfg,
    source_from_requirements_file,
)

_INCLUDE_OPTIONS = frozenset({"-r", "--requirement"})
_TEST_RUNNER_FILES = ("tox.ini", "tox.toml", "noxfile.py")


@dataclass(frozen=True, slots=True)
class Project:
    """A project's requirement sources and the exact text of each file read."""

    root: Path
    sources: tuple[RequirementSource, ...]
    texts: tuple[tuple[str, str], ...]  # (path relative to root, text)
    problems: tuple[SourceProblem, ...]  # e.g. a -r to a missing file

    @property
    def name(self) -> str:
        return self.root.name

    def text_of(self, path: str) -> str:
        return dict(self.texts)[path]


def load_project(root: Path, config: Config) -> Project:
    if not root.exists():
        raise InputError("project directory does not exist", path=str(root))
    if not root.is_dir():
        raise InputError("project is not a directory", path=str(root))
    loader = _Loader(root)
    for relative in _requirement_files(root, config):
        loader.read_requirements(relative, via=None)
    if (root / "setup.cfg").is_file():
        loader.sources.extend(parse_setup_cfg(loader.read("setup.cfg"), "setup.cfg"))
    if (root / "pyproject.toml").is_file():
        loader.sources.extend(
            parse_pyproject(
                loader.read("pyproject.toml"),
                "pyproject.toml",
                include_build_system=config.check_build_system,
            )
        )
    for name in _TEST_RUNNER_FILES:  # not sources: read for rule C019 only
        if (root / name).is_file():
            with contextlib.suppress(InputError):  # the rule is advice; skip it
                loader.read(name)
    return Project(
        root, tuple(loader.sources), tuple(loader.texts.items()), tuple(loader.problems)
    )


def _requirement_files(root: Path, config: Config) -> Iterator[str]:
    seen: set[str] = set()
    for pattern in config.requirement_files:
        for path in sorted(root.glob(pattern)):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and relative not in seen:
                seen.add(relative)
                yield relative


class _Loader:
    """Collects the files read, the sources found and the problems met."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.texts: dict[str, str] = {}
        self.sources: list[RequirementSource] = []
        self.problems: list[SourceProblem] = []

    def read(self, relative: str) -> str:
        text = read_text(self.root / relative, relative)
        self.texts[relative] = text
        return text

    def read_requirements(self, relative: str, via: tuple[str, int] | None) -> None:
        if relative in self.texts:
            return  # already read: -r cycles end here
        if not (self.root / relative).is_file():
            if via is not None:
                self.problems.append(
                    SourceProblem(
                        via[0], via[1], f"-r {relative}: no such file in the project"
                    )
                )
            return
        file = parse_requirements_file(self.read(relative), relative)
        self.sources.append(source_from_requirements_file(file))
        for included, lineno in _includes(file):
            target = _resolve_include(relative, included)
            if target is None:
                self.problems.append(
                    SourceProblem(
                        relative,
                        lineno,
                        f"-r {included}: outside the project, "
                        "so accord does not read it",
                    )
                )
            else:
                self.read_requirements(target, (relative, lineno))


def _includes(file: RequirementsFile) -> Iterator[tuple[str, int]]:
    for line in file.lines:
        if isinstance(line, OptionLine) and line.option in _INCLUDE_OPTIONS:
            value = line.value.split("#", 1)[0].strip()
            if value and "://" not in value:
                yield value, line.lineno


def _resolve_include(including: str, included: str) -> str | None:
    """The project-relative path of a -r target, or None if it leaves the project."""
    if PurePosixPath(included).is_absolute():
        return None
    parts: list[str] = list(PurePosixPath(including).parent.parts)
    for part in PurePosixPath(included).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
