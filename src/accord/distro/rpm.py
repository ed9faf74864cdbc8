"""RPM repositories: Fedora, RHEL, CentOS Stream, openSUSE, by their repodata.

An rpm-md repository publishes ``repodata/repomd.xml``, which points at
``primary.xml`` (``.gz``, ``.xz``, ``.zst``): every package's name, version
and ``provides``.  ``RpmRepo`` reads it from a directory holding
``repodata/`` or from a repository's base URL (through accord's HTTP client:
its caps, time budget and cache), streaming the XML element by element, and
keeps the parsed index in the cache under the primary's checksum, so a second
review downloads only ``repomd.xml`` (a conditional request).

Matching rules (``<n>`` as for Debian: the canonical PyPI name, also less a
leading ``python-``).  A project matches

* a binary package ``python3-<n>``, or a flavour of it (openSUSE's
  ``python311-<n>``, ``python313-<n>``): names are canonicalised, as Fedora
  does for its ``python3dist()`` names, before comparing;
* a package that provides ``python3dist(<n>)`` (or openSUSE's
  ``python3.11dist(<n>)``), the name Fedora's generators derive from the
  project's own metadata, so ``python3-pyyaml`` is found for ``PyYAML``;
* a source package (arch ``src``) named ``python-<n>`` or ``<n>``.

Extras subpackages (``python3-requests+socks``, ``python3dist(requests[socks])``)
are not the library and are passed over.
"""

from __future__ import annotations

import io
import re
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Protocol

from packaging.utils import canonicalize_name

from accord.distro._read import (
    READ_ERRORS,
    decompressed,
    open_compressed,
    sniffed_suffix,
)
from accord.distro.cache import Index, cached_index, file_stamp
from accord.distro.model import DistroPackage, Hit, Kind, best, project_keys
from accord.distro.versions import upstream_version
from accord.errors import InputError

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

__all__ = ["RpmRepo", "is_rpm_repo", "read_primary"]

COMMON = "{http://linux.duke.edu/metadata/common}"
RPM = "{http://linux.duke.edu/metadata/rpm}"
REPO = "{http://linux.duke.edu/metadata/repo}"

_FLAVOURED = re.compile(r"^python3\d*-(?P<name>[^+]+)$", re.IGNORECASE)
_DIST = re.compile(r"^python\d*(?:\.\d+)?dist\((?P<name>[^)\[\]]+)\)$")
_ACCEPT = "application/xml, text/xml;q=0.9, */*;q=0.1"


class Getter(Protocol):
    """What ``RpmRepo`` needs of accord's HTTP client (``index._http.Fetcher``)."""

    def get(self, url: str, accept: str, limit: int = ...) -> _Body | None: ...


class _Body(Protocol):
    @property
    def body(self) -> bytes: ...


def is_rpm_repo(path: Path) -> bool:
    """Whether ``path`` is a directory holding ``repodata/repomd.xml``, or
    that ``repomd.xml`` itself."""
    return (path / "repodata" / "repomd.xml").is_file() or path.name == "repomd.xml"


def _evr(version: ET.Element) -> tuple[str, str]:
    """``[EPOCH:]VER-REL`` and ``VER`` of a ``<version>`` element."""
    epoch = version.get("epoch") or "0"
    ver, rel = version.get("ver") or "", version.get("rel") or ""
    full = f"{ver}-{rel}" if rel else ver
    return (full if epoch == "0" else f"{epoch}:{full}"), ver


def _package_hits(element: ET.Element, distro: str) -> Iterator[tuple[str, Hit]]:
    name = element.findtext(f"{COMMON}name") or ""
    version = element.find(f"{COMMON}version")
    if not name or version is None:
        return
    full, ver = _evr(version)
    source = element.findtext(f"{COMMON}arch") == "src"
    kind: Kind = "source" if source else "binary"
    package = DistroPackage(distro, name, full, upstream_version(ver), kind, "rpm")
    if source:
        if name.lower().startswith("python"):
            key = canonicalize_name(name)
            yield key, Hit(package, 2)
            yield key.removeprefix("python-"), Hit(package, 2)
        return
    if match := _FLAVOURED.match(name):
        yield canonicalize_name(match["name"]), Hit(package, 0)
    for entry in element.iterfind(f"{COMMON}format/{RPM}provides/{RPM}entry"):
        if match := _DIST.match(entry.get("name") or ""):
            yield canonicalize_name(match["name"]), Hit(package, 1)


def read_primary(stream: IO[bytes], distro: str, index: Index, shown: str) -> None:
    """Add the matches of a ``primary.xml`` stream to ``index``.

    The tree is never whole in memory: each ``<package>`` is read, then
    cleared.  Malformed XML is an InputError at its line (``shown`` names
    the file or URL).
    """
    import xml.etree.ElementTree as ET  # only where an RPM repository is read

    root: ET.Element | None = None
    packages = 0
    try:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if root is None:
                root = element
                if element.tag != f"{COMMON}metadata":
                    raise InputError(
                        f"not an rpm-md primary.xml: the root is <{element.tag}>",
                        path=shown,
                    )
            elif event == "end" and element.tag == f"{COMMON}package":
                packages += 1
                for key, hit in _package_hits(element, distro):
                    index.setdefault(key, []).append(hit)
                root.clear()  # drop the packages read: memory stays flat
    except ET.ParseError as error:
        raise InputError(
            f"malformed primary.xml: {error.msg}",
            path=shown,
            line=error.position[0],
        ) from None
    if root is None:
        raise InputError("empty primary.xml", path=shown)


def primary_location(repomd: bytes, shown: str) -> tuple[str, str]:
    """The ``primary`` data's href and checksum, from ``repomd.xml``."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(repomd)
    except ET.ParseError as error:
        raise InputError(
            f"malformed repomd.xml: {error.msg}",
            path=shown,
            line=error.position[0],
        ) from None
    for data in root.iterfind(f"{REPO}data"):
        if data.get("type") == "primary":
            location = data.find(f"{REPO}location")
            href = None if location is None else location.get("href")
            if href:
                return href, data.findtext(f"{REPO}checksum") or href
    raise InputError(
        "repomd.xml names no primary data", path=shown, hint="is it a repository?"
    )


class RpmRepo:
    """One rpm-md repository, read on the first lookup.

    ``location`` is a directory holding ``repodata/`` (or its ``repomd.xml``),
    or an ``http(s)://`` base URL, read through ``getter``.
    """

    def __init__(
        self,
        name: str,
        location: str,
        cache_dir: Path | None = None,
        getter: Getter | None = None,
    ) -> None:
        self.name = name
        self.location = location
        self.cache_dir = cache_dir
        self.getter = getter
        self._index: Mapping[str, list[Hit]] | None = None
        self._lock = threading.Lock()

    def lookup(self, project: str) -> list[DistroPackage]:
        with self._lock:
            if self._index is None:
                remote = urllib.parse.urlsplit(self.location).scheme in {
                    "http",
                    "https",
                }
                self._index = self._fetched() if remote else self._local()
        hits = {h for key in project_keys(project) for h in self._index.get(key, [])}
        return best(sorted(hits, key=lambda h: (h.rank, h.package.package)))

    def _local(self) -> Mapping[str, list[Hit]]:
        base = Path(self.location)
        if base.name == "repomd.xml":
            base = base.parent.parent
        repomd = base / "repodata" / "repomd.xml"
        try:
            text = repomd.read_bytes()
        except OSError as error:
            raise InputError(
                f"cannot read repomd.xml: {error.strerror or error}",
                path=str(repomd),
                hint="give a directory holding repodata/",
            ) from None
        href, _ = primary_location(text, str(repomd))
        primary = base / PurePosixPath(href)
        if ".." in PurePosixPath(href).parts or PurePosixPath(href).is_absolute():
            raise InputError(f"primary location {href!r} leaves the repository",
                             path=str(repomd))  # fmt: skip

        def build() -> Index:
            index: Index = {}
            with open_compressed(
                primary, "primary.xml", "is the repository whole?"
            ) as s:
                read_primary(s, self.name, index, str(primary))
            return index

        stamp = ["rpm", self.name, file_stamp(primary)]
        return cached_index(stamp, self.cache_dir, build)

    def _fetched(self) -> Mapping[str, list[Hit]]:
        if self.getter is None:
            raise InputError(f"no HTTP client to read {self.location}")
        base = self.location if self.location.endswith("/") else self.location + "/"
        repomd_url = urllib.parse.urljoin(base, "repodata/repomd.xml")
        answer = self.getter.get(repomd_url, _ACCEPT)
        if answer is None:
            raise InputError(
                "no repodata/repomd.xml at the repository URL",
                path=repomd_url,
                hint="give the repository's base URL (the directory of repodata/)",
            )
        href, checksum = primary_location(answer.body, repomd_url)
        primary_url = urllib.parse.urljoin(base, href)

        def build() -> Index:
            got = self.getter.get(primary_url, "*/*") if self.getter else None
            if got is None:
                raise InputError("primary data not found", path=primary_url)
            raw = io.BytesIO(got.body)
            suffix = PurePosixPath(urllib.parse.urlsplit(primary_url).path).suffix
            stream = decompressed(raw, sniffed_suffix(got.body[:8], suffix))
            if stream is None:
                raise InputError(f"cannot decompress {suffix} data", path=primary_url)
            index: Index = {}
            try:
                with stream:
                    read_primary(stream, self.name, index, primary_url)
            except READ_ERRORS as error:
                raise InputError(
                    f"cannot read primary.xml: {error}", path=primary_url
                ) from None
            return index

        stamp = ["rpm", self.name, base, checksum]
        return cached_index(stamp, self.cache_dir, build)
