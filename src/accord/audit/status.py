"""What the index says about each pinned release: its project's PEP 792
status, whether the release is yanked, how recent the newest release is,
and the licence the release's own metadata declares.

One simple-API page per project (fetched concurrently through the on-disk
HTTP cache, so a later run only revalidates it) and the core metadata of
each pinned release (kept per release on disk: it never changes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.audit.learnt import Learnt, Summary
from accord.audit.model import Release
from accord.errors import AccordError
from accord.index.client import IndexClient
from accord.index.metadata_store import MetadataStore
from accord.index.model import CoreMetadata, ProjectPage
from accord.licenses import declared_licence
from accord.threads import map_threads

Key = tuple[NormalizedName, Version]


def releases(
    client: IndexClient,
    keys: Sequence[Key],
    workers: int = 16,
    on_done: Callable[[], None] = lambda: None,
    pages: Collection[NormalizedName] = (),
) -> dict[Key, Release]:
    """Each pinned release as the index shows it; a project the index
    cannot give is a Release with its ``error``. One pass a project: its
    page, then each of its pinned releases (no waiting for every page).

    What the last run learnt is kept in one file (:mod:`accord.audit.learnt`):
    a project whose page has not changed since is asked only conditionally,
    and its releases come from there, without their ``page`` and
    ``metadata``. The projects in ``pages`` (whose admission review is asked
    again) are always read whole, through the disk cache."""
    store = MetadataStore(client.cache_dir.parent / "metadata")
    summary = Summary(
        client.cache_dir.parent / "audit", client.index_url, client.pypi_json_url
    )
    summary.load()
    versions: dict[NormalizedName, list[Version]] = {}
    for name, version in dict.fromkeys(keys):
        versions.setdefault(name, []).append(version)

    def one(name: NormalizedName) -> tuple[list[tuple[Key, Release]], Learnt | None]:
        known = None if name in pages else summary.get(name, versions[name])
        page: ProjectPage | AccordError | None
        try:
            page, validators = client.project_since(
                name, None if known is None else known.validators
            )
        except AccordError as error:  # one project's page stops nothing
            page, validators = error, None
        if page is None:  # unchanged since the last run
            assert known is not None and validators is not None
            for _ in versions[name]:
                on_done()
            found = [((name, v), known.releases[str(v)]) for v in versions[name]]
            return found, known._replace(validators=validators)
        found = []
        for version in versions[name]:
            try:
                found.append(
                    ((name, version), _release(client, store, name, version, page))
                )
            finally:
                on_done()
        kept = {str(key[1]): r for key, r in found if r.error is None}
        return found, None if validators is None else Learnt(validators, kept)

    done = map_threads(one, list(versions), workers, "accord-audit")
    learnt = zip(versions, (found for _, found in done), strict=True)
    summary.save(
        {name: found for name, found in learnt if found is not None}, time.time()
    )
    return dict(pair for pairs, _ in done for pair in pairs)


def _release(
    client: IndexClient,
    store: MetadataStore,
    name: NormalizedName,
    version: Version,
    page: ProjectPage | AccordError,
) -> Release:
    if not isinstance(page, ProjectPage):
        return Release(name, version, error=str(page))
    files = page.files_for(version)
    live = [f for f in files if f.yanked is None]
    uploads = [
        f.upload_time.date()
        for f in page.files
        if f.upload_time is not None and f.yanked is None
    ]
    yanked = None
    if files and not live:
        yanked = next((f.yanked for f in files if f.yanked), "")
    metadata, licence, field, error = None, None, None, None
    if files:
        try:
            metadata = _metadata(client, store, page, version)
        except AccordError as failure:  # one release's metadata stops nothing
            error = f"metadata of {name} {version}: {failure}"
    declared = None if metadata is None else declared_licence(metadata)
    if declared is not None:
        licence, field = declared
    return Release(
        name=name,
        version=version,
        status=page.status,
        status_reason=page.status_reason,
        yanked=yanked,
        on_index=bool(files),
        newest_upload=max(uploads) if uploads else None,
        later_versions=tuple(v for v in page.versions if v > version),
        licence=licence,
        licence_field=field,
        error=error,
        page=page,
        metadata=metadata,
    )


def _metadata(
    client: IndexClient, store: MetadataStore, page: ProjectPage, version: Version
) -> CoreMetadata | None:
    metadata = store.get(page.name, version)  # the usual case: one read
    if metadata is None:
        if store.known_missing(page.name, version):
            return None
        metadata = client.latest_metadata(page, version)
        if metadata is None:
            store.put_missing(page.name, version)
        else:
            store.put(page.name, version, metadata)
    return metadata
