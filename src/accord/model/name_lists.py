"""Plain name lists: the denylist, backports.txt and projects.txt."""

from __future__ import annotations

from dataclasses import dataclass

from packaging.utils import NormalizedName

from accord.model._lines import split_comment, split_logical_lines
from accord.model.requirements_file import RequirementsFile, parse_requirements_file


@dataclass(frozen=True, slots=True)
class NameList:
    """A requirements-format file read only for the names it lists."""

    file: RequirementsFile
    names: frozenset[NormalizedName]

    @property
    def path(self) -> str:
        return self.file.path


def parse_name_list(text: str, path: str) -> NameList:
    file = parse_requirements_file(text, path)
    return NameList(file, frozenset(line.name for line in file.requirements()))


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """One line of projects.txt: a project such as ``openstack/nova``."""

    name: str
    lineno: int


@dataclass(frozen=True, slots=True)
class ProjectList:
    path: str
    projects: tuple[ProjectRef, ...]


def parse_project_list(text: str, path: str) -> ProjectList:
    projects: list[ProjectRef] = []
    for raw in split_logical_lines(text):
        content, _ = split_comment(raw.text)
        name = content.strip()
        if name:
            projects.append(ProjectRef(name, raw.lineno))
    return ProjectList(path, tuple(projects))
