"""The projects of a fleet: projects.txt's entries, each a directory under
the workspace. Light to import (who-uses needs no more of the fleet)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from accord.errors import InputError
from accord.model.name_lists import entry_key

if TYPE_CHECKING:
    from accord.central import CentralRepo

# Longer than any real "org/name"; the file system's own limit is 255 a part.
MAX_ENTRY = 255
# An entry that is surely fine: short ASCII parts, no drive, root or "\\".
_PLAIN_ENTRY = re.compile(r"[A-Za-z0-9_.-]{1,255}(?:/[A-Za-z0-9_.-]{1,255}){0,2}")


@dataclass(frozen=True, slots=True)
class Member:
    """A project of the fleet: its projects.txt entry and its directory."""

    name: str
    lineno: int
    path: Path
    workspace: Path | None = None  # the path must stay inside it


def fleet_members(central: CentralRepo, workspace: Path | None) -> list[Member]:
    """The projects of projects.txt, each under the workspace.

    An entry that names a place outside the workspace (``../x``, ``/x``) or
    is longer than a path part can be makes the whole list bad input: the
    reviewed central file is wrong, and no command should read elsewhere.
    """
    if central.projects is None:
        raise InputError(
            "no projects.txt in the requirements repo, so there is no fleet",
            path=str(central.root),
        )
    base = workspace if workspace is not None else central.root.resolve().parent
    seen: set[str] = set()
    members = []
    for ref in central.projects.projects:
        key = entry_key(ref.name)
        if key in seen:
            continue  # validate reports the duplicate (G013)
        seen.add(key)
        problem = _entry_problem(ref.name)
        if problem is not None:
            raise InputError(
                f"{ref.name[:60]!r}{'...' if len(ref.name) > 60 else ''}: {problem}",
                path=str(central.root / central.projects.path),
                line=ref.lineno,
                hint="an entry is a directory under the workspace, such as org/name",
            )
        members.append(Member(ref.name, ref.lineno, base / ref.name, base))
    return _one_per_directory(members)


def _one_per_directory(members: list[Member]) -> list[Member]:
    """``members`` without those whose directory is an earlier one's (a
    symlink to it, or another spelling on a case-insensitive file system):
    no command works on one project twice. One stat a member."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for member in members:
        try:
            found = member.path.stat()
        except (OSError, ValueError):  # missing: each command reports it
            kept.append(member)
            continue
        identity = (found.st_dev, found.st_ino)
        if identity not in seen:
            seen.add(identity)
            kept.append(member)
    return kept


def _entry_problem(name: str) -> str | None:
    if _PLAIN_ENTRY.fullmatch(name) and ".." not in name.split("/"):
        return None  # the usual "org/name": no path objects for each entry
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).drive:
        return "an absolute path, outside the workspace"
    if ".." in parts:
        return "leads outside the workspace"
    if len(name) > 4 * MAX_ENTRY or any(len(p.encode()) > MAX_ENTRY for p in parts):
        return f"longer than {MAX_ENTRY} characters, so not a project directory"
    return None
