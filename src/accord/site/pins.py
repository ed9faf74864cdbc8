"""The pins of every branch and tag of the requirements repo, for publishing.

Read from git objects (``git for-each-ref``, then the blob of
``REF:upper-constraints.txt``): no checkout is touched, and each published
file is byte for byte what ``git show REF:upper-constraints.txt`` prints;
one in UTF-16 or UTF-32 (pip reads it by its byte-order mark, as accord
reads the work tree's) is published as the same text in UTF-8, mark kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from accord._decode import decode
from accord.central import UPPER_CONSTRAINTS
from accord.errors import InputError
from accord.site._git import is_repository, read_blobs, run_git

RefKind = Literal["branch", "tag"]

_PREFIXES: tuple[tuple[str, RefKind], ...] = (
    ("refs/heads/", "branch"),
    ("refs/remotes/", "branch"),
    ("refs/tags/", "tag"),
)


@dataclass(frozen=True, slots=True)
class PublishedPins:
    """One ref's upper-constraints.txt, to be written at ``path``."""

    ref: str  # the branch or tag name, e.g. "stable/2026.1"
    kind: RefKind
    commit: str
    date: str  # committer date, ISO 8601
    path: str  # relative to the site: constraints/upper/<ref>.txt
    text: str
    pins: int


@dataclass(frozen=True, slots=True)
class Skipped:
    ref: str
    reason: str


def published_pins(repo: Path) -> tuple[tuple[PublishedPins, ...], tuple[Skipped, ...]]:
    """Every branch and tag holding upper-constraints.txt, by name."""
    if not is_repository(repo):
        return (), ()
    listing = run_git(
        repo,
        "for-each-ref",
        "--format=%(refname)%00%(objecttype)%00%(*objectname)%(objectname)"
        "%00%(committerdate:iso-strict)%(*committerdate:iso-strict)",
        "refs/heads",
        "refs/tags",
        "refs/remotes",
    )
    if listing is None:
        return (), ()
    refs: dict[str, tuple[RefKind, str, str]] = {}
    skipped: list[Skipped] = []
    for row in listing.decode("utf-8", "replace").splitlines():
        refname, _, commit, date = ([*row.split("\x00"), "", "", "", ""])[:4]
        named = _name_of(refname)
        if named is None or named[0] in refs:
            continue  # a local branch wins over its remote; a branch over a tag
        name, kind = named
        problem = _unsafe(name)
        if problem is not None:
            skipped.append(Skipped(name, problem))
            continue
        refs[name] = (kind, commit[:40], date)
    blobs = read_blobs(repo, [f"{c}:{UPPER_CONSTRAINTS}" for _, c, _ in refs.values()])
    found: dict[str, PublishedPins] = {}
    for (name, (kind, commit, date)), data in zip(refs.items(), blobs, strict=True):
        if data is None:
            continue  # a branch without pins publishes nothing
        try:  # as pip reads it, and accord the work tree's: by its mark
            text = decode(data, UPPER_CONSTRAINTS, bom=True)
        except InputError as error:
            skipped.append(Skipped(name, f"its {UPPER_CONSTRAINTS} {error.message}"))
            continue
        path = f"constraints/upper/{name}.txt"
        found[name] = PublishedPins(
            name, kind, commit, date, path, text, _count_pins(text)
        )
    clashes = _clashes(found)
    for name in clashes:
        skipped.append(Skipped(name, "its path clashes with another ref's directory"))
    pins = tuple(found[name] for name in sorted(found) if name not in clashes)
    return pins, tuple(skipped)


def _name_of(refname: str) -> tuple[str, RefKind] | None:
    for prefix, kind in _PREFIXES:
        if refname.startswith(prefix):
            name = refname[len(prefix) :]
            if prefix == "refs/remotes/":
                _, _, name = name.partition("/")  # drop the remote's name
                if name in ("", "HEAD"):
                    return None
            return name, kind
    return None


def _unsafe(name: str) -> str | None:
    parts = name.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return "its name is not a safe path"
    if any(c in name for c in "\\:\0"):
        return "its name is not a safe path"
    return None


def _clashes(found: dict[str, PublishedPins]) -> set[str]:
    return clashes(list(found), (".txt",))


def clashes(names: Sequence[str], suffixes: Sequence[str]) -> set[str]:
    """Refs whose file (``NAME`` + a suffix) would sit where another ref
    needs a directory."""
    directories = {
        "/".join(n.split("/")[:i]) for n in names for i in range(1, n.count("/") + 1)
    }
    return {
        name
        for name in names
        if any(f"{name}{suffix}" in directories for suffix in suffixes)
    }


def _count_pins(text: str) -> int:
    return sum(
        1
        for line in text.splitlines()
        if "===" in line and not line.lstrip().startswith("#")
    )
