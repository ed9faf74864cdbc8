"""Plain name lists: the denylist, backports.txt and projects.txt."""

from __future__ import annotations

from typing import NamedTuple

from packaging.utils import NormalizedName

from accord.model._indexed import IndexedDocument
from accord.model._lines import split_comment, split_logical_lines


class NameList(IndexedDocument):
    """A requirements-format file read only for the names it lists.

    ``has`` parses only that name's lines; ``file`` and ``names`` parse the
    whole file, once (see :mod:`accord.model._indexed`).
    """

    __slots__ = ("_names",)

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        self._names: frozenset[NormalizedName] | None = None

    @property
    def names(self) -> frozenset[NormalizedName]:
        if self._names is None:
            self._names = frozenset(line.name for line in self.file.requirements())
        return self._names

    def has(self, name: NormalizedName) -> bool:
        if self._names is not None:
            return name in self._names
        return bool(self._lines.requirements_named(name))


def parse_name_list(text: str, path: str) -> NameList:
    return NameList(text, path)


class ProjectRef(NamedTuple):
    """One line of projects.txt: a project such as ``openstack/nova``."""

    name: str
    lineno: int


class ProjectList(NamedTuple):
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
