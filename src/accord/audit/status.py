"""What the index says about each pinned release: its project's PEP 792
status, whether the release is yanked, how recent the newest release is,
and the licence the release's own metadata declares.

One simple-API page per project (fetched concurrently through the on-disk
HTTP cache, so a later run only revalidates it) and the core metadata of
each pinned release (kept per release on disk: it never changes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.audit.model import Release
from accord.errors import AccordError
from accord.index.client import IndexClient
from accord.index.metadata_store import MetadataStore
from accord.index.model import CoreMetadata, ProjectPage
from accord.init.licences import declared_licence

Key = tuple[NormalizedName, Version]


def releases(
    client: IndexClient,
    keys: Sequence[Key],
    workers: int = 16,
    on_done: Callable[[], None] = lambda: None,
) -> dict[Key, Release]:
    """Each pinned release as the index shows it; a project the index
    cannot give is a Release with its ``error``."""
    pages = client.projects([name for name, _ in keys])
    store = MetadataStore(client.cache_dir.parent / "metadata")

    def one(key: Key) -> Release:
        try:
            return _release(client, store, key, pages.get(key[0]))
        finally:
            on_done()

    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    with ThreadPoolExecutor(
        max(1, min(workers, len(unique))), thread_name_prefix="accord-audit"
    ) as pool:
        return dict(zip(unique, pool.map(one, unique), strict=True))


def _release(
    client: IndexClient,
    store: MetadataStore,
    key: Key,
    page: ProjectPage | AccordError | None,
) -> Release:
    name, version = key
    if not isinstance(page, ProjectPage):
        return Release(name, version, error=str(page or "no answer from the index"))
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
    if store.known_missing(page.name, version):
        return None
    metadata = store.get(page.name, version)
    if metadata is None:
        metadata = client.latest_metadata(page, version)
        if metadata is None:
            store.put_missing(page.name, version)
        else:
            store.put(page.name, version, metadata)
    return metadata
