"""Who uses a library: every project, source and line that names it."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName, canonicalize_name

from accord.central import CentralRepo, load_central_repo
from accord.config import Config
from accord.errors import AccordError
from accord.members import Member, fleet_members
from accord.model.sources import SourceProblem
from accord.project import Project, load_project
from accord.usage_cache import FleetCache, Use, entry
from accord.usage_state import probes
from accord.usage_words import is_plain, words

if TYPE_CHECKING:
    from accord.usage_cache import Answer

__all__ = ["Use", "find_users", "fleet_users", "uses_in"]

# What a cache entry holds: values marshal writes.
Entry = dict[str, object]


def fleet_users(
    root: Path, workspace: Path | None, name: str, cache: FleetCache | None
) -> Answer:
    """The uses of ``name`` in the fleet of the requirements repo ``root``,
    the projects that could not be read, and every project's directory;
    ``cache`` answers for the projects it can and learns the others."""
    central = load_central_repo(root)
    members = fleet_members(central, workspace)
    if cache is not None:
        cache.record_central(
            root, cache_key(central.config), [member.name for member in members]
        )
    uses, problems = find_users(central, members, name, cache)
    return uses, problems, [(member.name, member.path) for member in members]


def find_users(
    central: CentralRepo,
    members: Sequence[Member],
    name: str,
    cache: FleetCache | None = None,
) -> tuple[list[Use], list[str]]:
    """The uses of ``name`` in the fleet, and the projects that could not be read."""
    wanted = canonicalize_name(name)
    config = cache_key(central.config)
    if config is None or not is_plain(wanted):
        cache = None  # globs, or a name no requirement can have: load everything
    if cache is not None:
        cache.use_config(config)
    uses: list[Use] = []
    seen: set[tuple[str, str, int]] = set()  # a line is one use, however named
    problems: list[str] = []
    parents: dict[str, str | None] = {}
    for member in members:
        if cache is not None:
            hit = cache.lookup(member.name, member.path, config, wanted)
            if hit == "absent":
                problems.append(f"{member.name}: no directory at {member.path}")
                continue
            if isinstance(hit, list):
                for use in hit:
                    if (use.project, use.path, use.line) not in seen:
                        seen.add((use.project, use.path, use.line))
                        uses.append(use)
                continue
        directory, resolved = _directory(member.path, parents)
        if not directory:
            problems.append(f"{member.name}: no directory at {member.path}")
            if cache is not None:
                cache.record(member.name, _absent(member, cache.started))
            continue
        try:
            project = load_project(
                member.path, central.config, mentioning=wanted, resolved_root=resolved
            )
        except AccordError as error:
            problems.append(f"{member.name}: {error}")
            if cache is not None:
                cache.record(member.name, None)  # loaded again next time
            continue
        unread = project.problems
        for source in project.sources:
            unread += source.problems
        if unread:
            found = _unreadable_mentions(project, unread, wanted)
            problems.extend(f"{member.name}: {line}" for line in found)
        if cache is not None and config is not None:
            # A project with a line that cannot be read is read again next
            # time: which names such a line spells is not kept.
            entry = None if unread else _entry(project, config, cache.started)
            cache.record(member.name, entry)
        for source in project.sources:
            for item in (*source.requirements, *source.checkouts):
                key = (member.name, item.path, item.line)
                if (
                    key not in seen
                    and canonicalize_name(item.requirement.name) == wanted
                ):
                    seen.add(key)
                    uses.append(
                        Use(member.name, item.path, item.line, source.label, item.text)
                    )
    return uses, problems


def _unreadable_mentions(
    project: Project, problems: tuple[SourceProblem, ...], wanted: NormalizedName
) -> list[str]:
    """Those of ``project``'s ``problems`` at a line that spells ``wanted``
    (``requests>=2.0,,``): no use can be read from it, yet a reviewer asking
    who uses the library should see it, as grep would."""
    from accord.mentions import may_name_test

    may_name = may_name_test(wanted)
    texts = dict(project.texts)
    found: list[str] = []
    for problem in problems:
        if problem.line is None:
            continue
        # numbered as the readers number them: "\r" alone ends a line too
        lines = re.split(r"\r\n|\n|\r", texts.get(problem.path, ""))
        if problem.line <= len(lines) and may_name(lines[problem.line - 1]):
            found.append(f"{problem.path}:{problem.line}: {problem.message}")
    return list(dict.fromkeys(found))


def cache_key(config: Config) -> list[object] | None:
    """What of the configuration decides a project's sources (the files
    looked for, whether build requirements count), as JSON; None when the
    files are globs, which the cache does not follow."""
    import glob

    patterns = []
    for pattern in config.requirement_files:
        if glob.has_magic(pattern):
            return None
        patterns.append(PurePosixPath(pattern).as_posix())
    if {"setup.cfg", "pyproject.toml"} & set(patterns):
        return None  # one file read two ways: keep it simple, load it
    return [patterns, config.check_build_system]


def _absent(member: Member, since: int) -> Entry | None:
    found = probes(str(member.path), [""], since)
    return None if found is None else entry(found, absent=True)


def _entry(project: Project, config: list[object], since: int) -> Entry | None:
    """What the cache keeps of a loaded project: the state of every path its
    load looked at, the uses of the files it parsed (every library's) and
    the words of those it did not."""
    patterns = config[0]
    assert isinstance(patterns, list)
    read = [relative for relative, _ in project.texts]
    looked = [*patterns, "setup.cfg", "pyproject.toml", *project.included, *read]
    # None as well when a file read is gone since
    found = probes(
        str(project.root),
        dict.fromkeys(looked),
        since,
        needed=read,
        known=dict(project.states),
    )
    if found is None:
        return None
    parsed = {source.path for source in project.sources}
    uses: list[list[object]] = []
    for source in project.sources:
        for item in (*source.requirements, *source.checkouts):
            name = canonicalize_name(item.requirement.name)
            uses.append([name, item.path, item.line, source.label, item.text])
    return entry(
        found,
        names=f" {' '.join(sorted({str(use[0]) for use in uses}))} ",
        uses=uses,
        words=words(text for path, text in project.texts if path not in parsed),
    )


def _directory(path: Path, parents: dict[str, str | None]) -> tuple[bool, str | None]:
    """Whether ``path`` is a directory (``Path.is_dir``: a link followed),
    and the text of ``path.resolve()`` if that is cheap: one ``lstat`` for
    both."""
    text = str(path)
    try:
        mode = os.lstat(text).st_mode
    except (OSError, ValueError):  # as is_dir
        return False, None
    if stat.S_ISLNK(mode):
        return path.is_dir(), None
    return stat.S_ISDIR(mode), _resolved(text, parents)


def _resolved(text: str, parents: dict[str, str | None]) -> str | None:
    """The text of ``Path(text).resolve()`` for a path that is not a link,
    resolving each parent once (a fleet's projects share one): the parent's
    real path and the name, as text (a Path a project costs more than the
    rest of this). None: let the loader resolve it (and say what is wrong)."""
    parent, name = os.path.split(text)
    if parent not in parents:
        try:
            parents[parent] = str(Path(parent or ".").resolve())
        except (OSError, RuntimeError):  # RuntimeError: a loop (3.10-3.12)
            parents[parent] = None
    base = parents[parent]
    if base is None or name in {"", ".", ".."}:
        return None
    return f"{base.rstrip('/')}/{name}"


def uses_in(project_name: str, project: Project) -> list[tuple[NormalizedName, Use]]:
    """Every requirement line of one project, by library (to index a fleet)."""
    uses: dict[tuple[str, int, NormalizedName], Use] = {}
    for source in project.sources:
        for item in (*source.requirements, *source.checkouts):
            name = canonicalize_name(item.requirement.name)
            if (item.path, item.line, name) not in uses:
                uses[(item.path, item.line, name)] = Use(
                    project_name, item.path, item.line, source.label, item.text
                )
    return [(key[2], use) for key, use in uses.items()]
