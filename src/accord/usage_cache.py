"""who-uses's cache: what each project's files name, kept per fleet.

A run records, for each project it loaded, the state (``lstat``) of every
path the load depended on: the project's directory, each file it read and
each path whose existence it asked (a requirements file, setup.cfg,
pyproject.toml, a ``-r`` target). With every file it keeps either the uses
it parsed (every library's, so any later name is answered) or, for a file
not parsed, the whole names its text spells (the prefilter's words: a
later name that is among them parses the file again; a file with a
backslash, which could hide any name, is parsed by every later run). A later run that
finds every path of a project in the same state answers for it from here,
reading no file; one path changed, added, removed or replaced sends that
project (only) through the full load. Central files are checked the same
way, so an edited accord.toml or projects.txt is read again.

The cache lives in ``$XDG_CACHE_HOME/accord/who-uses/`` (default
``~/.cache``), one file per requirements repo and workspace, replaced
atomically: a line of JSON saying what wrote it and the sizes of what
follows; the data in marshal's format (the Python's own, so a file another
Python wrote is not read; it decodes in a third of JSON's time): the
central state, and each project's paths, their state packed
(:mod:`accord.usage_state`), the names it uses and those uses in
marshal's bytes, decoded only for a name it uses; then each project's words, in
marshal's format too but apart, decoded only when their bytes spell the
name asked (one search, in C: marshal keeps ASCII text as its bytes). A
file that cannot be read, is damaged, cut short or not this format is
ignored (and replaced).
``who-uses --no-cache`` neither reads nor writes it.

Light to import on purpose: a run answered from the cache imports neither
packaging nor the project loader, nor typing.
"""

from __future__ import annotations

import json
import marshal
import os
import sys
import time
import zlib
from collections import namedtuple
from pathlib import Path

from accord.usage_state import probes, unchanged
from accord.usage_words import ANY_NAME, canonical, is_plain

TYPE_CHECKING = False  # typing's, without importing typing (~12 M instructions)

# Bumped whenever what an entry means changes: an older file is ignored.
# 5: words and uses in marshal's format; words that may hide any name are
# an entry's "any", not among the words. 6: -rFILE includes followed, a -r
# of a URL and a setup.cfg line configparser refuses are problems. 7: a
# backslash ending a comment after a requirement continues the line (pip's
# join_lines), and a line pip splits at a form feed or a Unicode line
# separator is a problem.
FORMAT = 7
# The files load_central_repo reads (accord.central's names; a test keeps
# the two lists equal): a change to any of them is a change to the answer.
CENTRAL_FILES = (
    "global-requirements.txt",
    "accord.toml",
    "upper-constraints.txt",
    "denylist.txt",
    "blacklist.txt",
    "projects.txt",
    "backports.txt",
)
# What wrote the cache's data: marshal's format is the Python's own.
_WRITER = {"marshal": marshal.version, "python": list(sys.version_info[:2])}
# The header line's JSON; one encoder, as json.dumps with options builds
# one a call.
_COMPACT = json.JSONEncoder(separators=(",", ":"))

# What decoding or reading damaged cache data can raise (MemoryError: a
# damaged length inside marshal's data can ask for more than the machine
# has before anything else looks wrong).
_DAMAGED = (
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    EOFError,
    RecursionError,
    MemoryError,
)

if TYPE_CHECKING:
    from typing import NamedTuple

    class Use(NamedTuple):
        """A line of a project that names a library."""

        project: str
        path: str
        line: int
        source: str  # its source's label, e.g. "pyproject.toml [project] dependencies"
        requirement: str  # as written

    # The uses, the projects not read, (name, directory) of those with uses.
    Answer = tuple[list[Use], list[str], list[tuple[str, Path]]]
else:  # the same at run time
    Use = namedtuple("Use", ["project", "path", "line", "source", "requirement"])


class FleetCache:
    """The cache of one fleet: read once, updated, written back if changed."""

    def __init__(
        self, file: Path | None, data: dict[str, object], words: bytes = b""
    ) -> None:
        self.file = file
        self.data = data
        # Each project's words (of its files not parsed), kept apart, in
        # marshal's format (b"": none): a run for a name their bytes do not
        # spell decodes none.
        self.words_text = words
        self.words: dict[str, object] | None = None
        self.changed = False
        self.started = time.time_ns()

    @classmethod
    def open(cls, root: Path, workspace: Path | None) -> FleetCache:
        """The cache of the fleet of ``root`` with ``workspace`` (empty if
        there is none yet, or it cannot be read)."""
        resolved = root.resolve()
        key = f"{resolved}\0{'' if workspace is None else workspace.absolute()}"
        # A short name is enough: the file holds its whole key, and a file
        # of another fleet is read as no cache at all.
        digest = zlib.crc32(key.encode("utf-8", "surrogateescape"))
        file = cache_root() / f"{resolved.name[:40]}-{digest:08x}.cache"
        return cls(file, *_read(file, key))

    @property
    def projects(self) -> dict[str, dict[str, object]]:
        found = self.data.setdefault("projects", {})
        assert isinstance(found, dict)
        return found

    def central(self, root: Path) -> dict[str, object] | None:
        """The recorded central state (config and projects), if the central
        files are as they were."""
        central = self.data.get("central")
        if not isinstance(central, dict):
            return None
        try:
            return central if _unchanged(str(root), central) else None
        except (KeyError, TypeError, ValueError):  # not written here
            return None

    def record_central(self, root: Path, config: object, members: list[str]) -> None:
        found = probes(str(root), ["", *CENTRAL_FILES], self.started)
        self.data["central"] = (
            None
            if found is None
            else {
                "paths": found[0],
                "state": found[1],
                "config": config,
                "members": members,
            }
        )
        self.changed = True

    def lookup(
        self, name: str, directory: str | Path, config: object, wanted: str
    ) -> list[Use] | str | None:
        """The uses of ``wanted`` in project ``name`` at ``directory``, or
        ``"absent"`` for a project with no directory, from the cache; None
        when the cache cannot tell (not recorded, something changed, or a
        file not parsed may name it)."""
        if self.data.get("config") != config:
            return None
        entry = self.projects.get(name)
        return _lookup(entry, name, str(directory), wanted, self._words())

    def answer(self, root: Path, workspace: Path | None, name: str) -> Answer | None:
        """The whole answer for ``name`` when the central files and every
        project are as recorded and no file left unparsed may name it; None
        sends the run through the full load (which still uses the cache
        for each project it can)."""
        wanted = canonical(name)
        central = self.central(root)
        if central is None or not is_plain(wanted):
            return None
        members, projects = central.get("members"), self.data.get("projects")
        if (
            self.data.get("config") != central.get("config")
            or not isinstance(projects, dict)
            or not isinstance(members, list)
            or not all(isinstance(member, str) for member in members)
        ):
            return None
        base = workspace if workspace is not None else root.resolve().parent
        place = str(base)
        words = self._words() if self.may_name(wanted) else None
        uses: list[Use] = []
        problems: list[str] = []
        directories: list[tuple[str, Path]] = []
        for member in members:
            entry = projects.get(member)
            hit = _lookup(entry, member, f"{place}/{member}", wanted, words)
            if hit is None:
                return None
            if isinstance(hit, str):  # "absent"
                problems.append(f"{member}: no directory at {base / member}")
            elif hit:
                uses.extend(hit)
                directories.append((member, base / member))  # to show its paths
        return uses, problems, directories

    def may_name(self, wanted: str) -> bool:
        """Whether a project's words may name ``wanted``: when their bytes
        (words and project names) do not spell `` wanted ``, none does, and
        none is decoded."""
        if self.words is not None:
            return True
        return f" {wanted} ".encode() in self.words_text

    def _words(self) -> dict[str, object]:
        if self.words is None:
            try:
                decoded = marshal.loads(self.words_text) if self.words_text else {}
            except _DAMAGED:
                decoded = None
            # Damaged: every project's entry lacks its words, and is loaded.
            self.words = decoded if isinstance(decoded, dict) else {}
        return self.words

    def use_config(self, config: object) -> None:
        """Project entries hold for one configuration (the files looked for):
        another one forgets them."""
        if self.data.get("config") != config:
            self.data["config"] = config
            self.data["projects"] = {}
            self.words = {}
            self.changed = True

    def record(self, name: str, entry: dict[str, object] | None) -> None:
        words = self._words()
        words.pop(name, None)
        if entry is None:
            if self.projects.pop(name, None) is not None:
                self.changed = True
            return
        found = entry.pop("words", None)
        if found == ANY_NAME:
            entry["any"] = True  # in the data: no run need search the words
        elif found is not None:
            words[name] = found
        self.projects[name] = entry
        self.changed = True

    def save(self) -> None:
        """Write the cache back if a run changed it; a cache that cannot be
        written is left alone (the answer does not depend on it)."""
        if not self.changed or self.file is None:
            return

        from accord.errors import AccordError
        from accord.writes import write_atomic

        words = self.words_text
        if self.words is not None:
            # marshal, not JSON: 1 M instructions for the fleet's 1,000
            # projects' words, where JSON took 43 M
            words = marshal.dumps(self.words)
        data = marshal.dumps(self.data)
        header = {"format": FORMAT, **_WRITER, "data": len(data), "words": len(words)}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            contents = b"%s\n%s%s" % (_COMPACT.encode(header).encode(), data, words)
            write_atomic(self.file, contents, durable=False)
            self.file.with_suffix(".json").unlink(missing_ok=True)  # formats 1-3
        except (OSError, AccordError) as error:
            print(f"accord: note: who-uses cache not written: {error}", file=sys.stderr)


def entry(found: tuple[list[str], str], **data: object) -> dict[str, object]:
    """A project's entry: the state of its paths (:func:`probes`) and
    ``data``; ``uses``, a list, is kept as marshal's bytes (one object in
    the data, where each use would be six), decoded only by a run for a
    library the project names (marshal, not JSON: who-uses requests over
    the 1,000-project fleet, a first run 16 M instructions fewer, a
    repeat run 4 M)."""
    uses = data.get("uses")
    if isinstance(uses, list):
        data["uses"] = marshal.dumps(uses)
    return {"paths": found[0], "state": found[1], **data}


def _unchanged(base: str, entry: dict[str, object]) -> bool:
    paths, state = entry["paths"], entry["state"]
    if not isinstance(paths, list):
        raise TypeError(paths)
    return unchanged(base, paths, str(state))


def _lookup(
    entry: object,
    project: str,
    directory: str,
    wanted: str,
    words: dict[str, object] | None,
) -> list[Use] | str | None:
    """:meth:`FleetCache.lookup` for the entry of ``project``; ``words``:
    every project's, or None when none may name ``wanted``."""
    if not isinstance(entry, dict):
        return None
    try:
        if not _unchanged(directory, entry):
            return None
        if entry.get("absent"):
            return "absent"
        if entry.get("any"):
            return None  # a file not parsed may hide any name
        if words is not None:
            _check_words(words[project], wanted)
        return _uses_of(project, entry, wanted)
    except _DAMAGED:
        return None  # not written here


def _check_words(text_words: object, wanted: str) -> None:
    """ValueError when a project's words (of its files not parsed) may
    name ``wanted``."""
    if not isinstance(text_words, str):
        raise TypeError(text_words)
    if f" {wanted} " in text_words:
        raise ValueError("a file not parsed may name it")


def _uses_of(project: str, entry: dict[str, object], wanted: str) -> list[Use]:
    """The uses of ``wanted`` in a project's entry (``names``: of the uses
    parsed, each as `` name ``)."""
    names = entry["names"]
    if not isinstance(names, str):
        raise TypeError(names)
    if f" {wanted} " not in names:
        return []
    raw = entry["uses"]
    if not isinstance(raw, bytes):
        raise TypeError(raw)
    uses = marshal.loads(raw)
    if not isinstance(uses, list):
        raise TypeError(uses)
    seen: set[tuple[str, int]] = set()  # a line is one use (a group included twice)
    found: list[Use] = []
    for name, path, line, source, requirement in uses:
        if name == wanted and (path, line) not in seen:
            seen.add((path, line))
            found.append(Use(project, path, line, source, requirement))
    return found


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/accord/who-uses``, else ``~/.cache/accord/who-uses``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "accord" / "who-uses"


def _read(file: Path, key: str) -> tuple[dict[str, object], bytes]:
    """The cache's data and words (marshal's bytes), or fresh ones if the file is
    missing, unreadable, damaged, cut short, of another format or Python, or
    of another fleet (a hash collision)."""
    fresh: tuple[dict[str, object], bytes] = (
        {"format": FORMAT, "key": key, "projects": {}},
        b"",
    )
    try:
        with file.open("rb") as handle:
            contents = handle.read()
        start = contents.index(b"\n") + 1
        header = json.loads(contents[:start])
        size = header["data"]  # then the words
        words = len(contents) - start - size
        written = {"format": FORMAT, **_WRITER, "data": size, "words": words}
        if header != written:  # another format or Python, or cut short
            return fresh
        # A view: the data is not copied out of the file's bytes to decode it.
        data = marshal.loads(memoryview(contents)[start : start + size])
    except (OSError, *_DAMAGED):
        return fresh
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("key") != key
        or not isinstance(data.get("projects"), dict)
    ):
        return fresh
    return data, contents[start + size :]
