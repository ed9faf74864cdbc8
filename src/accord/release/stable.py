"""What a bugfix release on a stable branch may not do to its requirements.

The runtime requirement sources (``requirements.txt``, ``pyproject.toml``
``[project]`` dependencies and extras, ``setup.cfg``) are read at both
commits with accord's own parsers, from git objects, never by running code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.errors import InputError
from accord.model.requirements_file import parse_requirements_file
from accord.model.sources import (
    RequirementSource,
    parse_pyproject,
    parse_setup_cfg,
    source_from_requirements_file,
)
from accord.release.gitrepo import GitRepo

_RUNTIME_KINDS = frozenset(
    {
        "requirements",
        "project.dependencies",
        "project.optional-dependencies",
        "setup.cfg install_requires",
        "setup.cfg extras_require",
        "pbr extras",
    }
)


@dataclass(frozen=True, slots=True)
class Declared:
    """A runtime requirement at one commit, and where it is written."""

    requirement: Requirement
    path: str
    line: int


def runtime_requirements(repo: GitRepo, sha: str) -> dict[NormalizedName, Declared]:
    """Every runtime requirement the project declares at ``sha``, by name."""
    found: dict[NormalizedName, Declared] = {}
    for source in _sources(repo, sha):
        if source.kind not in _RUNTIME_KINDS:
            continue
        for item in source.requirements:
            name = canonicalize_name(item.requirement.name)
            found.setdefault(name, Declared(item.requirement, item.path, item.line))
    return found


def _sources(repo: GitRepo, sha: str) -> Iterator[RequirementSource]:
    for path in ("requirements.txt", "pyproject.toml", "setup.cfg"):
        data = repo.read_at(sha, path)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        if path == "requirements.txt":
            yield source_from_requirements_file(parse_requirements_file(text, path))
        elif path == "pyproject.toml":
            try:
                yield from parse_pyproject(text, path)
            except InputError:
                continue  # an unreadable pyproject declares nothing we can compare
        else:
            yield from parse_setup_cfg(text, path)


def minimum(requirement: Requirement) -> Version | None:
    """The lowest version ``requirement`` allows, as its specifiers say."""
    lowest: Version | None = None
    for spec in requirement.specifier:
        if spec.operator not in (">=", ">", "==", "~=", "==="):
            continue
        try:
            version = Version(spec.version.rstrip(".*"))
        except InvalidVersion:
            continue
        lowest = version if lowest is None else max(lowest, version)
    return lowest


def requirement_changes(
    before: dict[NormalizedName, Declared], after: dict[NormalizedName, Declared]
) -> Iterator[str]:
    """What a stable bugfix release may not do: each added requirement and
    each raised minimum, as one message."""
    for name, declared in after.items():
        where = f"{declared.path}:{declared.line}"
        old = before.get(name)
        if old is None:
            yield f"adds the requirement {declared.requirement} ({where})"
            continue
        new_min, old_min = minimum(declared.requirement), minimum(old.requirement)
        if new_min is not None and (old_min is None or new_min > old_min):
            yield (
                f"raises the minimum of {declared.requirement.name} from "
                f"{old_min or 'none'} to {new_min} ({where})"
            )
