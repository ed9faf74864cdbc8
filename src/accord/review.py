"""Gather the evidence for a library review: the index, the distro lists,
the central list. All I/O of the review is here; the verdicts are in
``accord.rules.review``.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.distro import (
    DebianIndex,
    DistroSource,
    RpmRepo,
    debian_lists,
    load_plugins,
    lookup_all,
)
from accord.distro.rpm import is_rpm_repo
from accord.errors import InputError
from accord.index.client import IndexClient
from accord.index.metadata_store import MetadataStore
from accord.index.model import CoreMetadata, ProjectPage
from accord.masking import mask_credentials
from accord.model.global_list import GlobalEntry
from accord.rules.review import Criterion, Evidence, ReviewPolicy, review
from accord.rules.review import review_policy as policy_of

if TYPE_CHECKING:
    from accord.distro.rpm import Getter


def parse_target(text: str) -> tuple[str, Version | None, SpecifierSet | None]:
    """``NAME``, ``NAME==VERSION`` or ``NAME<specifier>`` from the command line."""
    try:
        requirement = Requirement(text)
    except (InvalidRequirement, InvalidSpecifier) as error:
        reason = str(error).splitlines()[0]
        raise InputError(
            f"{text!r} is not NAME[==VERSION] or NAME<specifier>: {reason}"
        ) from error
    specs = list(requirement.specifier)
    if (
        len(specs) == 1
        and specs[0].operator in ("==", "===")
        and "*" not in specs[0].version
    ):
        try:  # === takes any string; a review needs a version
            return requirement.name, Version(specs[0].version), None
        except InvalidVersion as error:
            raise InputError(
                f"{text!r} is not NAME[==VERSION] or NAME<specifier>: "
                f"{specs[0].version!r} is not a version"
            ) from error
    return requirement.name, None, requirement.specifier if specs else None


def choose_version(
    page: ProjectPage, version: Version | None, specifier: SpecifierSet | None
) -> Version:
    if version is not None:
        if version not in page.versions:
            raise InputError(
                f"{page.name} has no version {version} on the index",
                hint="versions: " + ", ".join(str(v) for v in page.versions[-5:]),
            )
        return version
    candidates = [
        v
        for v in page.versions
        if not v.is_prerelease
        and any(f.yanked is None for f in page.files_for(v))
        and (specifier is None or specifier.contains(v))
    ]
    if not candidates:
        raise InputError(f"{page.name} has no released version to review")
    return max(candidates)


def distro_sources(
    paths: Sequence[Path],
    cache_dir: Path | None = None,
    central: CentralRepo | None = None,
    getter: Getter | None = None,
) -> tuple[list[DistroSource], list[str]]:
    """The distro sources to ask: the ``--distro-index`` paths (apt lists, and
    directories holding an RPM repository's ``repodata/``), else apt's lists
    on this machine; then ``[review] distro-repos``; then plugins."""
    rpm_dirs = [p for p in paths if is_rpm_repo(p)]
    files = [p for p in paths if p not in rpm_dirs] or ([] if paths else debian_lists())
    sources: list[DistroSource] = (
        [DebianIndex(files, cache_dir=cache_dir)] if files else []
    )
    for path in rpm_dirs:
        base = path.parent.parent if path.name == "repomd.xml" else path
        name = base.resolve().name or str(base)
        sources.append(RpmRepo(name, str(path), cache_dir=cache_dir))
    if central is not None:
        for repo in central.config.resolution.review.distro_repos:
            remote = repo.url.startswith(("http://", "https://"))
            location = repo.url if remote else str(central.root / repo.url)
            sources.append(RpmRepo(repo.name, location, cache_dir, getter))
    sources.extend(load_plugins())
    return sources, [source.name for source in sources]


class PageMemo:
    """Each project page parsed once per run, shared by all the reviews in it
    (a page of thousands of files costs more to parse than to read)."""

    def __init__(self, client: IndexClient) -> None:
        self.client = client
        self._pages: dict[NormalizedName, ProjectPage] = {}
        self._lock = threading.Lock()

    def remember(self, pages: Mapping[str, object]) -> None:
        with self._lock:
            for name, page in pages.items():
                if isinstance(page, ProjectPage):
                    self._pages[canonicalize_name(name)] = page

    def project(self, name: str) -> ProjectPage:
        canonical = canonicalize_name(name)
        with self._lock:
            page = self._pages.get(canonical)
        if page is None:
            page = self.client.project(name)
            with self._lock:
                self._pages[canonical] = page
        return page


def gather(
    target: str,
    central: CentralRepo,
    client: IndexClient,
    sources: Sequence[DistroSource] | None,
    source_names: Sequence[str] = (),
    compare: dict[NormalizedName, CoreMetadata] | None = None,
    today: datetime.date | None = None,
    memo: PageMemo | None = None,
    central_names: frozenset[NormalizedName] | None = None,
) -> Evidence:
    """The evidence for ``target``; ``central_names`` are the global list's
    names when the caller has them (else the list's lines are parsed)."""
    name, version, specifier = parse_target(target)
    # The distro lists, the JSON API and the release's metadata are asked at
    # once: each waits on its own disk or network.
    with ThreadPoolExecutor(2, thread_name_prefix="accord-gather") as pool:
        found = pool.submit(lookup_all, list(sources), name) if sources else None
        page = memo.project(name) if memo is not None else client.project(name)
        chosen = choose_version(page, version, specifier)
        asked = pool.submit(client.release, name, str(chosen))
        metadata = released_metadata(client, page, chosen)
        release = asked.result()
        distro = (
            None
            if found is None
            else tuple((p.distro, p.package, p.version) for p in found.result())
        )
    return Evidence(
        name=name,
        version=chosen,
        page=page,
        metadata=metadata or (release.metadata if release else None),
        release=release,
        today=today or datetime.date.today(),
        config=central.config,
        central_names=(
            central.global_list.names() if central_names is None else central_names
        ),
        central_metadata=compare or {},
        distro=distro,
        distro_sources=tuple(source_names),
        specifier=specifier,
    )


def released_metadata(
    client: IndexClient, page: ProjectPage, version: Version
) -> CoreMetadata | None:
    """The release's core metadata, kept on disk once read: a release's
    metadata never changes, and a mirror without PEP 658 files would be
    read by ranges again on every review."""
    store = MetadataStore(client.cache_dir.parent / "metadata")
    canonical = canonicalize_name(page.name)
    kept = store.get(canonical, version)
    if kept is not None:
        return kept
    metadata = client.latest_metadata(page, version)
    if metadata is not None:
        store.put(canonical, version, metadata)
    return metadata


def review_policy(central: CentralRepo) -> ReviewPolicy:
    return policy_of(central.config)


class Review(NamedTuple):
    """One library reviewed: the evidence, the verdicts, and its lines in
    the global list if it is there already."""

    evidence: Evidence
    criteria: tuple[Criterion, ...]
    central: tuple[GlobalEntry, ...] = ()


class NotReviewed(NamedTuple):
    """A target the index cannot answer for (no such project or version)."""

    target: str
    message: str


def review_many(
    targets: Sequence[str],
    central: CentralRepo,
    client: IndexClient,
    sources: Sequence[DistroSource] | None,
    source_names: Sequence[str],
    compare: dict[NormalizedName, CoreMetadata],
    workers: int = 16,
    memo: PageMemo | None = None,
    central_names: frozenset[NormalizedName] | None = None,
) -> list[Review | NotReviewed]:
    """Review each target, in parallel, in the order given: every one the
    index knows, whatever happens to the others. A malformed target is bad
    usage and stops everything before the index is asked."""
    for target in targets:
        parse_target(target)
    policy = review_policy(central)

    def one(target: str) -> Review | NotReviewed:
        try:
            evidence = gather(
                target,
                central,
                client,
                sources,
                source_names,
                compare,
                memo=memo,
                central_names=central_names,
            )
        except InputError as error:  # no such project or version
            return NotReviewed(target, mask_credentials(str(error)))
        listed = central.global_list.entries_for(canonicalize_name(evidence.name))
        return Review(evidence, tuple(review(evidence, policy)), listed)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets)))) as pool:
        return list(pool.map(one, targets))


def pinned(
    central: CentralRepo, names: Iterable[str] | None = None
) -> dict[NormalizedName, Version]:
    """Each pinned library's version (the newest where Pythons differ): of
    every library, or only of ``names`` (then only their lines are parsed)."""
    versions: dict[NormalizedName, Version] = {}
    constraints = central.constraints
    if constraints is None:
        return versions
    pins = (
        constraints.pins
        if names is None
        else (
            pin
            for name in dict.fromkeys(canonicalize_name(n) for n in names)
            for pin in constraints.pins_for(name)
        )
    )
    for pin in pins:
        if pin.name not in versions or pin.version > versions[pin.name]:
            versions[pin.name] = pin.version
    return versions


def comparable_names(central: CentralRepo) -> list[NormalizedName]:
    """The central libraries a new one is compared with for duplicates:
    all but the denylisted tools and the installers left unpinned."""
    skipped = central.config.unpinned
    if central.denylist is not None:
        skipped = skipped | central.denylist.names
    return sorted(name for name in central.global_list.names() if name not in skipped)
