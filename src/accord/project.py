"""Load a consuming project's requirement sources from its directory.

Reads requirements files (by the configured globs, then every file they pull
in with ``-r``), ``setup.cfg`` and ``pyproject.toml`` (and the files their
setuptools ``file:`` entries name). Never runs the project's code:
``setup.py`` is not read at all.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import contextlib
import errno
import functools
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from packaging.utils import NormalizedName

from accord.config import Config, leaves_root
from accord.errors import InputError
from accord.files import read_inside
from accord.model.requirements_file import (
    OptionLine,
    RequirementsFile,
    parse_requirements_file,
)
from accord.model.sources import (
    RequirementSource,
    SourceProblem,
    check_pyproject_syntax,
    parse_pyproject,
    parse_setup_cfg,
    source_from_requirements_file,
    unread_by_setuptools,
)

_INCLUDE_OPTIONS = frozenset({"-r", "--requirement"})
_TEST_RUNNER_FILES = ("tox.ini", "tox.toml", "noxfile.py")
# pip has no limit; a chain of -r this deep is a mistake or an attack.
MAX_INCLUDE_DEPTH = 100
# A line that may be an option such as -r (which who-uses must follow). The
# patterns here are compiled by re when who-uses first asks, not by a check.
_OPTION_LINE = r"(?m)^\s*-"  # searched with any byte-order mark left out
# The errors for which Path.exists() answers False rather than raising.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
_WIN_ABSENT = frozenset({21, 123, 1921})  # not ready, invalid name, cannot resolve


class Project(NamedTuple):
    """A project's requirement sources and the exact text of each file read."""

    root: Path
    sources: tuple[RequirementSource, ...]
    texts: tuple[tuple[str, str], ...]  # (path relative to root, text)
    problems: tuple[SourceProblem, ...]  # e.g. a -r to a missing file
    # The -r targets whose existence was asked, found or not (who-uses's
    # cache watches them: one created later changes the project).
    included: tuple[str, ...] = ()
    # What the load found at each path it looked at (lstat; None: nothing),
    # before reading it: who-uses's cache records these, not a second look.
    states: tuple[tuple[str, os.stat_result | None], ...] = ()

    @property
    def name(self) -> str:
        return self.root.name

    def text_of(self, path: str) -> str:
        return dict(self.texts)[path]


# What a pyproject.toml needs to name files its requirements are read from
# (setuptools' [tool.setuptools.dynamic] ... {file = ...}): a key "dynamic",
# not a library named like "neutron-dynamic-routing" (who-uses parsed every
# pyproject.toml of a fleet naming one).
_DYNAMIC = r"""\bdynamic["']?\s*[.\]=]"""


def load_project(
    root: Path,
    config: Config,
    *,
    mentioning: NormalizedName | None = None,
    resolved_root: Path | str | None = None,
) -> Project:
    """Every requirement source of the project at ``root``.

    Every file read must be a regular file inside ``root`` once symlinks are
    followed; anything else is an :class:`InputError` naming it.

    With ``mentioning`` (who-uses), a file whose text cannot name that
    library is read but not parsed, so its sources are left out; every file
    is still read and pyproject.toml still checked as TOML, so a project
    that cannot be loaded fails just as without it. ``resolved_root`` is
    ``root.resolve()`` (or its text) when the caller already has it.
    """
    if mentioning is None:
        loader = _Loader(root, _any_text)
    else:  # who-uses: its test is loaded only for it
        from accord.mentions import may_name_test

        loader = _Loader(root, may_name_test(mentioning))
    found = loader.lstat("")  # a directory (not a link) needs no other look
    directory = found is not None and stat.S_ISDIR(found.st_mode)
    mode = found.st_mode if found is not None and directory else _mode(root)
    if mode is None:
        raise InputError("project directory does not exist", path=str(root))
    if not stat.S_ISDIR(mode):
        raise InputError("project is not a directory", path=str(root))
    loader.base = resolved_root
    for relative in _requirement_files(root, config, loader.exists):
        loader.read_requirements(relative)
    if loader.exists("setup.cfg"):
        text = loader.read("setup.cfg")
        if loader.may_name(text) or "file:" in text:
            loader.add_sources(parse_setup_cfg(text, "setup.cfg"))
    if loader.exists("pyproject.toml"):
        text = loader.read("pyproject.toml")
        try:
            if (
                loader.may_name(text)
                or "include-group" in text
                or ("dynamic" in text and re.search(_DYNAMIC, text) is not None)
            ):
                sources = parse_pyproject(
                    text,
                    "pyproject.toml",
                    include_build_system=config.check_build_system,
                )
            else:
                check_pyproject_syntax(text, "pyproject.toml")
                sources = ()
        except InputError as error:  # named as it opens from here, as reads are
            error.path = _join(loader.place, "pyproject.toml")
            raise
        loader.add_sources(sources)
    for name in () if mentioning is not None else _TEST_RUNNER_FILES:  # C019 only
        if (root / name).is_file():
            with contextlib.suppress(InputError):  # the rule is advice; skip it
                loader.read(name)
    return Project(
        root,
        tuple(loader.sources),
        tuple(loader.texts.items()),
        tuple(loader.problems),
        tuple(loader.included),
        tuple(loader.states.items()),
    )


def _mode(path: Path) -> int | None:
    """``path``'s mode, None where ``Path.exists`` would say False (one stat
    for what exists() and is_dir() asked with two)."""
    try:
        return path.stat().st_mode
    except OSError as error:
        if error.errno in _ABSENT or getattr(error, "winerror", None) in _WIN_ABSENT:
            return None
        raise
    except ValueError:  # e.g. a NUL in the path
        return None


def _requirement_files(
    root: Path, config: Config, exists: Callable[[str], bool]
) -> Iterator[str]:
    seen: set[str] = set()
    for pattern in config.requirement_files:
        if leaves_root(pattern):
            raise InputError(
                f"requirement-files: {pattern!r} leads outside the project",
                path="accord.toml",
                hint="patterns are relative to the project's root, without '..'",
            )
        for relative in _matches(root, pattern, exists):
            if relative not in seen:
                seen.add(relative)
                yield relative


def _matches(root: Path, pattern: str, exists: Callable[[str], bool]) -> list[str]:
    """What a pattern names, relative to ``root``; a name without wildcards is
    taken even when it is not a regular file (glob would skip a dangling
    link), so reading it says what is wrong. ``exists``: whether something
    (a link too) is at a relative path."""
    plain = _plain(pattern)
    if plain is not None:
        return [plain] if exists(plain) else []
    return [path.relative_to(root).as_posix() for path in sorted(root.glob(pattern))]


@functools.lru_cache(maxsize=64)
def _plain(pattern: str) -> str | None:
    """A pattern without wildcards as a relative path (as ``root / pattern``
    would spell it), or None for a glob (one of glob's wildcards ``*?[`` in
    it, as glob itself tells). Once a pattern, not once a project."""
    if any(wildcard in pattern for wildcard in "*?["):
        return None
    return PurePosixPath(pattern).as_posix()


class _Loader:
    """Collects the files read, the sources found and the problems met."""

    def __init__(self, root: Path, may_name: Callable[[str], bool]) -> None:
        self.root = root
        self.may_name = may_name  # False: the text names no library wanted
        self.place = str(root)  # how messages name the root
        self.base: Path | str | None = None  # root.resolve() (or its text), once
        self.texts: dict[str, str] = {}
        self.files: dict[str, RequirementsFile] = {}  # the requirements files parsed
        self.sources: list[RequirementSource] = []
        self.problems: list[SourceProblem] = []
        self.included: list[str] = []
        self.states: dict[str, os.stat_result | None] = {}

    def lstat(self, relative: str) -> os.stat_result | None:
        """What is at a relative path (None: nothing), looked at once a load."""
        if relative not in self.states:
            try:
                self.states[relative] = os.lstat(_join(self.place, relative))
            except (OSError, ValueError):  # as os.path.lexists
                self.states[relative] = None
        return self.states[relative]

    def exists(self, relative: str) -> bool:
        return self.lstat(relative) is not None

    def is_link(self, relative: str) -> bool:
        found = self.lstat(relative)
        return found is not None and stat.S_ISLNK(found.st_mode)

    def read(self, relative: str, bom: bool = False) -> str:
        """``relative``'s text; ``bom``: a requirements file, which may start
        with a UTF-8 byte-order mark (pip reads past it; it stays in the
        text, so sync writes it back)."""
        display = _join(self.place, relative)
        if self.base is None:
            with contextlib.suppress(OSError, RuntimeError):  # inside() says why
                self.base = self.root.resolve()
        text = read_inside(
            self.root,
            relative,
            display,
            resolved_root=self.base,
            links=self.is_link,
            bom=bom,
        )
        self.texts[relative] = text
        return text

    def add_sources(self, sources: Iterable[RequirementSource]) -> None:
        """Take setup.cfg's or pyproject.toml's sources, and read the files
        setuptools would read their requirements from (``file:``)."""
        for source in sources:
            self.sources.append(source)
            for named, line in source.files:
                target = _resolve_include(source.path, named)
                if target is not None:
                    self.read_requirements(target, (source.path, line or 1), "file:")
                    self.problems.extend(
                        unread_by_setuptools(
                            named,
                            (source.path, line),
                            self.texts.get(target, ""),
                            self.files.get(target),
                        )
                    )
                    continue
                message = f"file: {named}: outside the project, so accord does not "
                message += "read it (nor does setuptools)"
                self.problems.append(SourceProblem(source.path, line, message))

    def read_requirements(
        self, first: str, via: tuple[str, int] | None = None, option: str = "-r"
    ) -> None:
        """Read ``first`` and every file it pulls in with ``-r``, depth first;
        ``via``: the file and line that name ``first`` with ``option``.

        A loop, not recursion: a chain of thousands of files is reported at
        :data:`MAX_INCLUDE_DEPTH`, not met with a RecursionError.
        """
        pending: list[tuple[str, tuple[str, int] | None, int]] = [(first, via, 0)]
        while pending:
            relative, via, depth = pending.pop()
            if relative in self.texts:
                continue  # already read: -r cycles end here
            if via is not None and depth > MAX_INCLUDE_DEPTH:
                self.problems.append(
                    SourceProblem(
                        via[0],
                        via[1],
                        f"-r {relative}: more than {MAX_INCLUDE_DEPTH} files "
                        "deep in a chain of -r, so accord stops here",
                    )
                )
                continue
            # The first file was found by _requirement_files: look only at -r's.
            if via is not None:
                self.included.append(relative)
            if via is not None and not self.exists(relative):
                named = option if depth == 0 else "-r"
                self.problems.append(
                    SourceProblem(
                        via[0],
                        via[1],
                        f"{named} {relative}: no such file in the project",
                        f"create {relative}, or remove this line",
                    )
                )
                continue
            text = self.read(relative, bom=True)
            unmarked = text.removeprefix("\ufeff")
            if not self.may_name(text) and re.search(_OPTION_LINE, unmarked) is None:
                continue  # names nothing wanted, and includes no other file
            file = self.files[relative] = parse_requirements_file(text, relative)
            self.sources.append(source_from_requirements_file(file))
            children: list[tuple[str, tuple[str, int] | None, int]] = []
            for included, lineno in _includes(file):
                target = _resolve_include(relative, included)
                if "://" in included:
                    self.problems.append(
                        SourceProblem(
                            relative,
                            lineno,
                            f"-r {included}: a file on the network, which accord "
                            "does not fetch, so its requirements are not checked",
                        )
                    )
                elif target is None:
                    self.problems.append(
                        SourceProblem(
                            relative,
                            lineno,
                            f"-r {included}: outside the project, "
                            "so accord does not read it",
                        )
                    )
                else:
                    children.append((target, (relative, lineno), depth + 1))
            pending.extend(reversed(children))


def _any_text(text: str) -> bool:
    """What may name every library: any text (check and sync read it all)."""
    return True


def _join(place: str, relative: str) -> str:
    """``str(Path(place) / relative)`` for a normalised ``relative``, without
    building a Path (who-uses does this thousands of times)."""
    if not relative:
        return place
    if place == ".":
        return relative
    return f"{place.rstrip('/')}/{relative}"


def _includes(file: RequirementsFile) -> Iterator[tuple[str, int]]:
    for line in file.lines:
        if isinstance(line, OptionLine) and line.option in _INCLUDE_OPTIONS:
            value = _unquoted(line.value.split("#", 1)[0].strip())
            if value:
                yield value, line.lineno


def _unquoted(value: str) -> str:
    """The path of a -r as pip reads it (its options go through shlex), so
    ``"my reqs.txt"`` and ``my\\ reqs.txt`` name ``my reqs.txt``."""
    if not any(c in value for c in "\"'\\"):
        return value
    import shlex

    try:
        words = shlex.split(value)
    except ValueError:  # an unclosed quote: pip fails too; the name as it is
        return value
    return words[0] if words else value


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
