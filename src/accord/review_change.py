"""Gather the evidence for reviewing a change to the central files: the
diff between a base and the work tree, the fleet's use of what is removed,
the facts of each moved pin and the full review of each added library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.central import GLOBAL_REQUIREMENTS, CentralRepo, load_central_repo
from accord.distro import DistroSource
from accord.errors import AccordError, InputError
from accord.index.client import IndexClient
from accord.index.model import CoreMetadata
from accord.members import fleet_members
from accord.model.global_list import GlobalEntry, parse_global_list
from accord.review import (
    PageMemo,
    comparable_names,
    gather,
    parse_target,
    pinned,
    review_policy,
)
from accord.review_compare import central_metadata
from accord.rules.review import Criterion, Evidence, Verdict, review
from accord.rules.review_change import change_questions, diff_central
from accord.usage import find_users
from accord.vcs import remote
from accord.vcs.git import read_at

# git's empty tree: the base of a repository's first commit.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def pin_facts(
    client: IndexClient,
    moved: Sequence[tuple[NormalizedName, str, Version | None, Version | None]],
) -> list[Criterion]:
    """Release date, yanked and known vulnerabilities of each pin that moved."""
    facts = []
    for name, marker, old, new in moved:
        where = f" ({marker})" if marker else ""
        if new is None:
            facts.append(
                Criterion("pin-removed", "pass", f"{name} {old} unpinned{where}")
            )
            continue
        try:
            page = client.project(name)
        except AccordError as error:
            facts.append(
                Criterion("pin-moved", "unknown", f"{name} -> {new}{where}: {error}")
            )
            continue
        files = page.files_for(new)
        dates = sorted(f.upload_time.date() for f in files if f.upload_time is not None)
        yanked = bool(files) and all(f.yanked is not None for f in files)
        release = client.release(name, str(new))
        vulnerabilities = release.vulnerabilities if release else ()
        detail = f"{name} {old or '-'} -> {new}{where}"
        if dates:
            detail += f", released {dates[0].isoformat()}"
        verdict: Verdict = "pass"
        if not files:
            verdict, detail = "fail", detail + ", not on the index"
        if yanked:
            verdict, detail = "fail", detail + ", yanked"
        if vulnerabilities:
            verdict = "fail"
            detail += ", vulnerable: " + ", ".join(v.id for v in vulnerabilities)
        facts.append(Criterion("pin-moved", verdict, detail))
    return facts


@dataclass(frozen=True, slots=True)
class ChangeReport:
    base: str
    base_sha: str
    questions: tuple[Criterion, ...]
    pins: tuple[Criterion, ...]
    reviews: tuple[tuple[Evidence, tuple[Criterion, ...]], ...]

    @property
    def failed(self) -> bool:
        every = [
            *self.questions,
            *self.pins,
            *(c for _, cs in self.reviews for c in cs),
        ]
        return any(c.verdict == "fail" for c in every)


def review_central_change(
    root: Path,
    base: str | None,
    client: IndexClient,
    sources: Sequence[DistroSource],
    source_names: Sequence[str],
    workspace: Path | None,
    on_done: Callable[[], None] = lambda: None,
) -> ChangeReport:
    """Review the change between ``base`` and the work tree of ``root``."""
    base, base_sha = resolve_base(root, base)
    after = load_central_repo(root)
    before = central_at(root, base_sha, after)
    refuse_unreadable_added(before, after)
    diff = diff_central(before, after)
    targets = [_target(entry) for entry in diff.added]  # refused before any asking
    message = remote.git("log", "-1", "--format=%B", cwd=root, check=False)
    members = fleet_members(after, workspace) if after.projects else []
    users_of: dict[NormalizedName, Sequence[str]] = {}
    for entry in diff.removed:
        uses, _ = find_users(after, members, entry.requirement.name)
        users_of[entry.name] = sorted({use.project for use in uses})
    questions = change_questions(diff, message, users_of, [m.name for m in members])
    policy = review_policy(after)
    memo = PageMemo(client)
    # The duplicates criterion compares with the same libraries as `review`.
    compare: dict[NormalizedName, CoreMetadata] = {}
    if diff.added:
        libraries = comparable_names(after)
        compare = central_metadata(
            client,
            libraries,
            memo=memo,
            pins=pinned(after, libraries),
            on_done=on_done,
        )
    reviews = []
    for target in targets:
        evidence = gather(
            target, after, client, sources, source_names, compare, memo=memo
        )
        reviews.append((evidence, tuple(review(evidence, policy))))
    return ChangeReport(
        base,
        base_sha,
        tuple(questions),
        tuple(pin_facts(client, diff.moved_pins)),
        tuple(reviews),
    )


def _unreadable(central: CentralRepo) -> list[tuple[str, int, str, str]]:
    """(path, line number, text, complaint) of each line of the global list
    and the pins that cannot be read (a pin that is no exact version too)."""
    listed = central.global_list
    found = [
        (listed.path, i.lineno, i.text, i.complaint) for i in listed.invalid_lines()
    ]
    pins = central.constraints
    if pins is not None:
        found += [
            (pins.path, i.lineno, i.text, i.complaint)
            for i in pins.file.invalid_lines()
        ]
        found += [
            (
                pins.path,
                m.line.lineno,
                m.line.text,
                f"{m.line.text.strip()!r}: {m.reason}",
            )
            for m in pins.malformed
        ]
    return found


def refuse_unreadable_added(before: CentralRepo, after: CentralRepo) -> None:
    """A line the change adds to the global list or the pins that cannot be
    read is refused at its line: the review cannot see it, and would say
    nothing changed. One the base had already is left to validate."""
    known = {(path, text) for path, _, text, _ in _unreadable(before)}
    added = sorted(p for p in _unreadable(after) if (p[0], p[2]) not in known)
    if added:
        path, number, _, complaint = added[0]
        raise InputError(
            complaint,
            path=path,
            line=number,
            hint="fix it first (accord validate shows every such line); "
            "nothing was reviewed",
        )


def _target(entry: GlobalEntry) -> str:
    """What ``review`` is asked about an added entry; one it cannot take is
    refused at its line."""
    target = f"{entry.requirement.name}{entry.requirement.specifier}"
    try:
        parse_target(target)
    except InputError as error:
        raise InputError(
            error.message, path=GLOBAL_REQUIREMENTS, line=entry.lineno
        ) from error
    return target


def resolve_base(root: Path, base: str | None) -> tuple[str, str]:
    """The base to compare with, and its sha: ``base``, else the upstream
    branch, else HEAD~1, else (a first commit) the empty tree."""
    if base is None:
        upstream = remote.git(
            "rev-parse", "--abbrev-ref", "@{upstream}", cwd=root, check=False
        ).strip()
        if upstream:
            base = upstream
        elif _commit(root, "HEAD~1") or not _commit(root, "HEAD"):
            base = "HEAD~1"
        else:
            return "the empty tree", EMPTY_TREE
    sha = _commit(root, base)
    if not sha:
        raise InputError(f"{base!r} is not a commit of {root}", hint="pass --base REF")
    return base, sha


def _commit(root: Path, ref: str) -> str:
    return remote.git(
        "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=root, check=False
    ).strip()


def central_at(root: Path, sha: str, after: CentralRepo) -> CentralRepo:
    """The central files as of ``sha``; none at all where it has none."""
    if sha != EMPTY_TREE and read_at(root, sha, GLOBAL_REQUIREMENTS) is not None:
        return load_central_repo(root, commit=sha)
    empty = parse_global_list("", GLOBAL_REQUIREMENTS)
    return after._replace(
        global_list=empty,
        constraints=None,
        denylist=None,
        projects=None,
        backports=None,
        commit=sha,
    )
