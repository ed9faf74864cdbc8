"""Reading a deliverable file: YAML nodes with their lines, checked against
the schema of OpenStack's releases repository.

PyYAML's composer gives nodes that know where they start, so every schema
error names its line. Reading never stops at the first error: each problem
becomes a finding (rule R001) and the rest is still read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from accord.findings import Finding
from accord.release.model import (
    DELIVERABLE_TYPES,
    RELEASE_MODELS,
    Branch,
    Deliverable,
    ProjectRef,
    Release,
)

SCHEMA_RULE = "R001"
_ORG_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*/[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SHA = re.compile(r"[0-9a-f]{40}")
_T = TypeVar("_T")

# Top-level keys and what each must be; anything else is refused.
_TOP: dict[str, str] = {
    "team": "string",
    "launchpad": "string",
    "storyboard": "any",  # a number, or lately a name
    "release-notes": "any",
    "include-pypi-link": "boolean",
    "release-model": "string",
    "type": "string",
    "artifact-link-mode": "string",
    "repository-settings": "mapping",
    "release-type": "string",
    "stable-branch-type": "string",
    "cycle-highlights": "sequence",
    "releases": "sequence",
    "branches": "sequence",
    "stable-status": "string",
}
_REQUIRED = ("team", "type")
_RELEASE_KEYS = {"version", "projects", "diff-start", "highlights", "flags"}
_PROJECT_KEYS = {"repo", "hash", "highlights", "comment", "tarball-base"}
_BRANCH_KEYS = {"name", "location"}
_TAGS = {
    "string": "tag:yaml.org,2002:str",
    "integer": "tag:yaml.org,2002:int",
    "boolean": "tag:yaml.org,2002:bool",
}


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def error(self, line: int | None, message: str, fix: str | None = None) -> None:
        self.findings.append(
            Finding(SCHEMA_RULE, "error", self.path, line, message, fix)
        )

    def mapping(
        self, node: Node, what: str, allowed: set[str] | None
    ) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.error(line_of(node), f"{what} must be a mapping")
            return None
        seen: dict[str, Node] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.error(line_of(key), f"{what} has a key that is not a string")
                continue
            name = str(key.value)
            if name in seen:
                self.error(line_of(key), f"{what}: key {name!r} given twice")
            elif allowed is not None and name not in allowed:
                known = ", ".join(sorted(allowed))
                self.error(
                    line_of(key), f"{what}: unknown key {name!r}", f"use one of {known}"
                )
            else:
                seen[name] = value
        return seen

    def scalar(self, node: Node, what: str, kind: str = "string") -> str | None:
        if not isinstance(node, ScalarNode):
            self.error(line_of(node), f"{what} must be a {kind}")
            return None
        tag = _TAGS[kind]
        if kind == "string" and node.tag != tag and node.style is None:
            # An unquoted 1.0 is a float to YAML; a version is text.
            self.error(line_of(node), f"{what} must be a string", "quote it")
            return None
        if kind != "string" and node.tag != tag:
            self.error(line_of(node), f"{what} must be a {kind}")
            return None
        return str(node.value)

    def items(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.error(line_of(node), f"{what} must be a list")
            return []
        return list(node.value)

    def required(
        self, fields: dict[str, Node], key: str, what: str, line: int
    ) -> Node | None:
        if key not in fields:
            self.error(line, f"{what} has no {key!r}")
            return None
        return fields[key]


def parse_deliverable(text: str, path: str) -> tuple[Deliverable | None, list[Finding]]:
    """The deliverable in ``text`` (read from ``path``) and every schema error.

    The deliverable is None only when the file is not YAML or not a mapping.
    """
    reader = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as error:  # a character YAML refuses
        at = text.count("\n", 0, error.position) + 1
        character = error.character
        code = ord(character) if isinstance(character, str) else character or 0
        reader.error(at, f"not valid YAML: character #x{code:04x}: {error.reason}")
        return None, reader.findings
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None if mark is None else int(mark.line) + 1
        problem = getattr(error, "problem", None) or str(error)
        first_line = problem.partition("\n")[0]
        reader.error(line, f"not valid YAML: {first_line}")
        return None, reader.findings
    except RecursionError:
        reader.error(None, "not valid YAML: nested too deeply")
        return None, reader.findings
    if root is None:
        reader.error(None, "the file is empty")
        return None, reader.findings
    top = reader.mapping(root, "the deliverable", set(_TOP))
    if top is None:
        return None, reader.findings
    for key, kind in _TOP.items():
        if key in ("team", "type", "release-model", "repository-settings"):
            continue  # read below
        if key in top and kind in _TAGS:
            reader.scalar(top[key], key, kind)
        elif key in top and kind == "mapping":
            reader.mapping(top[key], key, None)
        elif key in top and kind == "sequence":
            reader.items(top[key], key)
    for key in _REQUIRED:
        if key not in top:
            reader.error(line_of(root), f"the deliverable has no {key!r}")
    team = _text(reader, top, "team")
    deliverable_type = _choice(reader, top, "type", DELIVERABLE_TYPES)
    model = _choice(reader, top, "release-model", RELEASE_MODELS)
    repositories: tuple[str, ...] = ()
    if "repository-settings" in top:
        settings = reader.mapping(
            top["repository-settings"], "repository-settings", None
        )
        repositories = tuple(settings or ())
    releases = tuple(_each(reader, top, "releases", _release))
    branches = tuple(_each(reader, top, "branches", _branch))
    parts = PurePosixPath(path).parts
    series = parts[-2] if len(parts) >= 2 else ""
    deliverable = Deliverable(
        PurePosixPath(path).stem, series, path, team, deliverable_type, model,
        repositories, releases, branches,
    )  # fmt: skip
    return deliverable, reader.findings


def _text(reader: _Reader, top: dict[str, Node], key: str) -> str | None:
    return reader.scalar(top[key], key) if key in top else None


def _choice(
    reader: _Reader, top: dict[str, Node], key: str, choices: tuple[str, ...]
) -> str | None:
    value = _text(reader, top, key)
    if value is not None and value not in choices:
        reader.error(
            line_of(top[key]), f"{key}: {value!r} is not one of {', '.join(choices)}"
        )
    return value


def _each(
    reader: _Reader,
    top: dict[str, Node],
    key: str,
    read: Callable[[_Reader, Node, str], _T | None],
) -> Iterator[_T]:
    if key not in top or not isinstance(top[key], SequenceNode):
        return
    for index, node in enumerate(top[key].value, 1):
        value = read(reader, node, f"{key} entry {index}")
        if value is not None:
            yield value


def _release(reader: _Reader, node: Node, what: str) -> Release | None:
    fields = reader.mapping(node, what, _RELEASE_KEYS)
    if fields is None:
        return None
    line = line_of(node)
    version_node = reader.required(fields, "version", what, line)
    version = (
        None
        if version_node is None
        else reader.scalar(version_node, f"{what}: version")
    )
    projects: list[ProjectRef] = []
    projects_node = reader.required(fields, "projects", what, line)
    if projects_node is not None:
        for index, item in enumerate(
            reader.items(projects_node, f"{what}: projects"), 1
        ):
            project = _project(reader, item, f"{what}: project {index}")
            if project is not None:
                projects.append(project)
        if isinstance(projects_node, SequenceNode) and not projects_node.value:
            reader.error(line_of(projects_node), f"{what}: projects is empty")
    if version is None:
        return None
    return Release(version, tuple(projects), line_of(version_node or node))


def _field(
    reader: _Reader, fields: dict[str, Node], key: str, what: str, line: int
) -> tuple[str | None, int]:
    """A required string field's value (None if missing or wrong) and line."""
    node = reader.required(fields, key, what, line)
    if node is None:
        return None, line
    return reader.scalar(node, f"{what}: {key}"), line_of(node)


def _project(reader: _Reader, node: Node, what: str) -> ProjectRef | None:
    fields = reader.mapping(node, what, _PROJECT_KEYS)
    if fields is None:
        return None
    repo, repo_line = _field(reader, fields, "repo", what, line_of(node))
    sha, hash_line = _field(reader, fields, "hash", what, line_of(node))
    if repo is None or sha is None:
        return None
    valid = True
    if not _ORG_NAME.fullmatch(repo):
        reader.error(repo_line, f"{what}: repo {repo!r} is not org/name")
        valid = False
    if not _SHA.fullmatch(sha):
        reader.error(
            hash_line,
            f"{what}: hash {sha!r} is not a full commit hash",
            "give all 40 lowercase hex digits",
        )
        valid = False
    # Only a well-formed name and hash ever reach git.
    return ProjectRef(repo, sha, hash_line) if valid else None


def _branch(reader: _Reader, node: Node, what: str) -> Branch | None:
    fields = reader.mapping(node, what, _BRANCH_KEYS)
    if fields is None:
        return None
    name, _ = _field(reader, fields, "name", what, line_of(node))
    location_node = fields.get("location")
    if isinstance(location_node, MappingNode):
        # A location per repository ({org/name: commit}), as some files give;
        # the commits are checked when the branch is made.
        pairs = tuple(
            (str(key.value), str(value.value))
            for key, value in location_node.value
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode)
        )
        if name is None:
            return None
        return Branch(name, None, line_of(location_node), pairs)
    location, line = _field(reader, fields, "location", what, line_of(node))
    if name is None or location is None:
        return None
    return Branch(name, location, line)
