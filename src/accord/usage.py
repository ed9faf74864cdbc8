"""Who uses a library: every project, source and line that names it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from accord.central import CentralRepo
from accord.errors import AccordError
from accord.members import Member
from accord.project import Project, load_project


@dataclass(frozen=True, slots=True)
class Use:
    project: str
    path: str
    line: int
    source: str  # the source's label, e.g. "pyproject.toml [dependency-groups] test"
    requirement: str  # as written


def find_users(
    central: CentralRepo, members: Sequence[Member], name: str
) -> tuple[list[Use], list[str]]:
    """The uses of ``name`` in the fleet, and the projects that could not be read."""
    wanted = canonicalize_name(name)
    uses: dict[tuple[str, str, int], Use] = {}
    problems: list[str] = []
    parents: dict[Path, Path | None] = {}
    for member in members:
        if not member.path.is_dir():
            problems.append(f"{member.name}: no directory at {member.path}")
            continue
        try:
            project = load_project(
                member.path,
                central.config,
                mentioning=wanted,
                resolved_root=_resolved(member.path, parents),
            )
        except AccordError as error:
            problems.append(f"{member.name}: {error}")
            continue
        for source in project.sources:
            for item in source.requirements:
                key = (member.name, item.path, item.line)
                if (
                    canonicalize_name(item.requirement.name) == wanted
                    and key not in uses
                ):
                    uses[key] = Use(
                        member.name, item.path, item.line, source.label, item.text
                    )
    return list(uses.values()), problems


def _resolved(path: Path, parents: dict[Path, Path | None]) -> Path | None:
    """``path.resolve()``, resolving each parent once (a fleet's projects
    share one): the parent's real path and the name, unless the name is a
    link. None: let the loader resolve it (and say what is wrong)."""
    parent = path.parent
    if parent not in parents:
        try:
            parents[parent] = parent.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a loop (3.10-3.12)
            parents[parent] = None
    base = parents[parent]
    if base is None or path.name in {"", ".", ".."} or path.is_symlink():
        return None
    return base / path.name


def uses_in(project_name: str, project: Project) -> list[tuple[NormalizedName, Use]]:
    """Every requirement line of one project, by library (to index a fleet)."""
    uses: dict[tuple[str, int, NormalizedName], Use] = {}
    for source in project.sources:
        for item in source.requirements:
            name = canonicalize_name(item.requirement.name)
            if (item.path, item.line, name) not in uses:
                uses[(item.path, item.line, name)] = Use(
                    project_name, item.path, item.line, source.label, item.text
                )
    return [(key[2], use) for key, use in uses.items()]
