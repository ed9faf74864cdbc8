"""The hand-off: a library's new version becomes its pin in the
requirements repo's ``upper-constraints.txt``, as a commit there.

The pin lines are found with accord's constraints model; only the version
of each of the library's lines changes (markers, comments and every other
line stay as they are), or one line is added in name order. A pin already
at the version is left alone, so a re-run commits nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from accord.central import UPPER_CONSTRAINTS
from accord.files import inside, read_text
from accord.model.constraints import parse_constraints
from accord.release.errors import ReleaseError
from accord.sync.splice import split_lines
from accord.vcs import remote
from accord.writes import write_pip_file

_VERSION_OF_PIN = re.compile(r"(===\s*)([^;#\s]+)")


@dataclass(frozen=True, slots=True)
class HandOff:
    name: str
    version: str
    commit: str | None  # None when nothing was committed
    note: str = ""


def pinned_text(text: str, name: str, version: Version) -> str:
    """``text`` (upper-constraints.txt) with ``name`` pinned to ``version``."""
    constraints = parse_constraints(text, UPPER_CONSTRAINTS)
    canonical = canonicalize_name(name)
    lines = split_lines(text)  # as the model counts them (no \f, \u2028...)
    pins = constraints.pins_for(canonical)
    if pins:
        for pin in pins:
            index = pin.lineno - 1
            lines[index] = _VERSION_OF_PIN.sub(
                lambda m: f"{m.group(1)}{version}", lines[index], count=1
            )
        return "".join(lines)
    ending = "\r\n" if text.endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += ending
    new = f"{name}==={version}{ending}"
    names = [(p.lineno - 1, p.name) for p in constraints.pins]
    after = [index for index, other in names if other > canonical]
    position = min(after) if after else len(lines)
    lines.insert(position, new)
    return "".join(lines)


def hand_off(
    requirements: Path, name: str, version: str, branch: str | None
) -> HandOff:
    """Commit the pin of ``name`` at ``version`` on ``branch`` of the
    requirements repo (its current branch when it has no such branch)."""
    path = requirements / UPPER_CONSTRAINTS
    if not path.is_file():
        raise ReleaseError(
            f"{requirements} has no {UPPER_CONSTRAINTS}: nothing to hand off to"
        )
    # The pin is committed there: not in a repository a .git file leads to.
    remote.check_git_dir(requirements, requirements.parent)
    current = remote.current_branch(requirements)
    if branch is not None and current != branch and _has_branch(requirements, branch):
        raise ReleaseError(
            f"{requirements} is on {current}, the release is on {branch}: "
            f"check out {branch} there and run again"
        )
    # pip reads the pins past a byte-order mark; it is kept, as the encoding.
    text = read_text(
        inside(requirements, UPPER_CONSTRAINTS), UPPER_CONSTRAINTS, bom=True
    )
    pins = parse_constraints(text, UPPER_CONSTRAINTS).pins_for(canonicalize_name(name))
    newer = [str(p.version) for p in pins if p.version > Version(version)]
    if newer:
        note = f"the pin is already at {', '.join(newer)}: not lowered"
        return HandOff(name, version, None, note)
    body = text.removeprefix("\ufeff")
    new = pinned_text(body, name, Version(version))
    if new == body:
        return HandOff(name, version, None, "already pinned")
    write_pip_file(path, new, expected=text)
    message = (
        f"Bump {name} to {version}\n\nThe release of {name} {version}, handed "
        "off by accord release run.\n"
    )
    return HandOff(
        name, version, remote.commit_all(requirements, message, (UPPER_CONSTRAINTS,))
    )


def _has_branch(directory: Path, branch: str) -> bool:
    from accord.release.gitrepo import run_git

    return (
        run_git(
            directory, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"
        ).returncode
        == 0
    )
