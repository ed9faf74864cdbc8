"""Plain name lists: the denylist, backports.txt and projects.txt."""

# Annotations are evaluated here, not postponed: see accord.findings.
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


def entry_key(name: str) -> str:
    """The directory a projects.txt entry names, however it is spelt:
    ``catalog``, ``./catalog``, ``catalog/`` and ``org//a/.`` are ``catalog``
    and ``org/a``, as the fleet finds them under the workspace."""
    if "/" not in name:
        return name  # the usual plain name, or "." as it is
    parts = [part for part in name.split("/") if part not in ("", ".")]
    return ("/" if name.startswith("/") else "") + ("/".join(parts) or ".")


class ProjectList:
    """projects.txt, its lines read when its projects are first asked for
    (a check never asks: only the fleet commands do)."""

    __slots__ = ("_projects", "_text", "path")

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self._text = text
        self._projects: tuple[ProjectRef, ...] | None = None

    @property
    def projects(self) -> tuple[ProjectRef, ...]:
        if self._projects is None:
            found: list[ProjectRef] = []
            for raw in split_logical_lines(self._text):
                content, _ = split_comment(raw.text)
                name = content.strip()
                if name:
                    found.append(ProjectRef(name, raw.lineno))
            self._projects = tuple(found)
        return self._projects


def parse_project_list(text: str, path: str) -> ProjectList:
    return ProjectList(text, path)
