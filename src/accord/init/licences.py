"""Each library's licence comment, read from the index's core metadata.

The licence text is the one ``accord review`` reads
(``accord.licenses.declared_licence``: License-Expression, else a short
License field, else the licence classifiers) and is judged by the same
policy as ``validate``: a recognised licence is written as its SPDX
expression; anything else is written as found (or as ``UNKNOWN`` when the
metadata has none), which validate flags (G005), and listed for review.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from accord.errors import AccordError, InputError
from accord.init.notes import Note
from accord.license_policy import LicensePolicy
from accord.licenses import assess_license, declared_licence

if TYPE_CHECKING:
    from accord.index.model import CoreMetadata

PYPI_SIMPLE, PYPI_JSON = "https://pypi.org/simple/", "https://pypi.org/pypi/"
UNKNOWN = "UNKNOWN"  # not a licence: validate says so (G005)
_MAX_TEXT = 80
_GIVE_UP = 3  # index failures before the index counts as unreachable
_SPACES = re.compile(r"\s+")

MetadataSource = Callable[[str], "CoreMetadata | None"]


@dataclass(frozen=True, slots=True)
class Licence:
    comment: str  # what follows "# " on the global-list line
    note: Note | None  # why it needs review, if it does


def licence_for(
    name: str, metadata: CoreMetadata | None, policy: LicensePolicy
) -> Licence:
    if metadata is None:
        return Licence(
            UNKNOWN,
            Note("licence", name, f"{name}: no release found to read a licence from"),
        )
    declared = declared_licence(metadata)
    if declared is None:
        return Licence(
            UNKNOWN,
            Note(
                "licence",
                name,
                f"{name} {metadata.version}: the metadata declares no licence",
            ),
        )
    text, field = declared
    assessment = assess_license(text, policy)
    comment = assessment.expression or _one_line(text)
    if assessment.verdict == "allowed":
        return Licence(comment, None)
    verb = "forbidden" if assessment.verdict == "forbidden" else "needs review"
    return Licence(
        comment,
        Note(
            "licence",
            name,
            f"{name} {metadata.version}: {text!r} (from {field}) {verb}: "
            f"{assessment.reason}",
        ),
    )


def _one_line(text: str) -> str:
    """Text safe to write as a comment: one line, no "#", not too long."""
    cleaned = _SPACES.sub(" ", text.replace("#", "")).strip()
    return cleaned if cleaned and len(cleaned) <= _MAX_TEXT else UNKNOWN


def read_licences(
    names: Sequence[str],
    metadata_of: MetadataSource | None,
    policy: LicensePolicy,
    workers: int = 8,
) -> Mapping[str, Licence]:
    """Each name's licence; with no metadata source, every one unknown
    (and no note: the caller says once why none was read)."""
    if metadata_of is None:  # the caller says why, once
        return {name: Licence(UNKNOWN, None) for name in names}

    def one(name: str) -> tuple[str, Licence]:
        try:
            metadata = metadata_of(name)
        except AccordError as error:
            return name, Licence(
                UNKNOWN, Note("licence", name, f"{name}: not read: {error}")
            )
        return name, licence_for(name, metadata, policy)

    with ThreadPoolExecutor(max(1, min(workers, len(names) or 1))) as pool:
        return dict(pool.map(one, names))


def index_metadata(index_url: str) -> MetadataSource:
    """The newest release's core metadata from the index at ``index_url``
    (PEP 691 pages, PEP 658 metadata), through accord's index client.

    An index that failed (after the client's retries) for a few libraries
    is not asked again in this run: every further licence is then unknown,
    rather than every library waiting out its own timeouts.
    """
    from accord.index.client import IndexClient, IndexUnavailable

    on_pypi = index_url.rstrip("/") == PYPI_SIMPLE.rstrip("/")
    client = IndexClient(index_url, pypi_json_url=PYPI_JSON if on_pypi else None)

    down: list[IndexUnavailable] = []

    def metadata_of(name: str) -> CoreMetadata | None:
        if len(down) >= _GIVE_UP:
            raise down[0]
        try:
            return client.latest_metadata(client.project(name))
        except IndexUnavailable as error:
            down.append(error)
            raise

    return metadata_of


def wheelhouse_metadata(directories: Sequence[Path]) -> MetadataSource:
    """Core metadata read from the newest wheel of each name in local
    ``--find-links`` directories (for ``--no-index``: no index to ask)."""
    from packaging.utils import (
        InvalidWheelFilename,
        canonicalize_name,
        parse_wheel_filename,
    )

    wheels: dict[str, list[tuple[Version, Path]]] = {}
    for directory in directories:
        for path in sorted(directory.glob("*.whl")) if directory.is_dir() else ():
            try:
                name, version, _, _ = parse_wheel_filename(path.name)
            except InvalidWheelFilename:
                continue
            wheels.setdefault(name, []).append((version, path))

    def metadata_of(name: str) -> CoreMetadata | None:
        found = wheels.get(canonicalize_name(name))
        if not found:
            return None
        finals = [item for item in found if not item[0].is_prerelease]
        return read_wheel_metadata(max(finals or found)[1])

    return metadata_of


def read_wheel_metadata(path: Path) -> CoreMetadata:
    """The licence fields of a wheel's METADATA (never its code), read with
    an index's caps: METADATA_BYTES inflated, PAGE_BYTES of the file."""
    import email.parser

    from accord.index._errors import ResponseTooLarge
    from accord.index._wheel import LocalFile, wheel_metadata
    from accord.index.model import CoreMetadata

    try:
        # Only a regular file: opening a FIFO would wait for a writer.
        if not stat.S_ISREG(path.stat().st_mode):
            raise InputError("is not a regular file", path=str(path))
        with path.open("rb") as file:
            data = wheel_metadata(LocalFile(file, str(path)), str(path))
    except OSError as error:
        raise InputError(f"cannot read it: {error.strerror}", path=str(path)) from error
    except ResponseTooLarge as error:
        why = str(error).removeprefix(f"{path}: ")  # the path goes first
        raise InputError(why, path=str(path)) from error
    if data is None:
        raise InputError(
            "no readable METADATA (a broken or truncated zip?)", path=str(path)
        )
    message = email.parser.BytesHeaderParser().parsebytes(data)
    return CoreMetadata(
        name=str(message.get("Name", "")),
        version=str(message.get("Version", "")),
        license=message.get("License"),
        license_expression=message.get("License-Expression"),
        classifiers=tuple(str(c) for c in message.get_all("Classifier") or ()),
    )
