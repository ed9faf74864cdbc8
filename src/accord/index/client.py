"""The package-index client: every request accord makes to an index.

Reads the simple API (PEP 691 JSON by content negotiation, else PEP 503
HTML), PEP 658 core metadata, and PyPI's JSON API, through an on-disk HTTP
cache (see :mod:`accord.index._http`). Thread-safe; :meth:`projects` fetches
many pages at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import Version

from accord.errors import AccordError, InputError
from accord.index._errors import ResponseTooLarge
from accord.index._http import (
    Fetcher,
    IndexUnavailable,
    Response,
    Validators,
    redact,
)
from accord.index._limits import METADATA_BYTES
from accord.index._parsed import ParsedPages
from accord.index._simple import parse_page, release_page
from accord.index._urls import join_url
from accord.index.model import CoreMetadata, DistFile, ProjectPage, PyPIRelease
from accord.threads import map_threads

__all__ = ["IndexClient", "IndexUnavailable", "PackageNotFound", "default_cache_dir"]

SIMPLE_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
)


class PackageNotFound(InputError):  # a misspelt name is the user's input
    """The index has no project of that name (404)."""

    def __init__(self, name: str, index_url: str) -> None:
        super().__init__(f"no project {name!r} on {redact(index_url)}")
        self.name = name


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/accord/http``, else ``~/.cache/accord/http``."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "accord" / "http"


def _base(url: str, what: str) -> str:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in {"http", "https"}:
        raise InputError(f"{what} {redact(url)!r} is not an http(s) URL")
    return url if url.endswith("/") else url + "/"


class IndexClient:
    """Reads one package index (and optionally PyPI's JSON API)."""

    def __init__(
        self,
        index_url: str = "https://pypi.org/simple/",
        pypi_json_url: str | None = "https://pypi.org/pypi/",
        cache_dir: Path | None = None,
        timeout: float = 15.0,
        retries: int = 3,
        max_workers: int = 16,
    ) -> None:
        self.index_url = _base(index_url, "index URL")
        self.pypi_json_url = (
            None if pypi_json_url is None else _base(pypi_json_url, "JSON API URL")
        )
        self.cache_dir = default_cache_dir() if cache_dir is None else cache_dir
        self.max_workers = max(1, max_workers)
        self.fetcher = Fetcher(self.cache_dir, timeout=timeout, retries=retries)
        self._parsed = ParsedPages(self.cache_dir.parent / "pages")
        self.fetcher.remember_credentials(self.index_url)
        if self.pypi_json_url is not None:
            self.fetcher.remember_credentials(self.pypi_json_url)
        # Release answers (404s included, which the HTTP cache does not keep)
        # for the client's life: a review asks for the same release twice.
        self._json_misses = 0
        self._probe_misses = 0
        self._releases: dict[tuple[str, str | None], PyPIRelease | None] = {}
        self._lock = threading.Lock()

    def limit_time(self, seconds: float, what: str = "network time budget") -> None:
        """From now, all the client's requests together may take ``seconds``;
        past that each raises DeadlineExceeded (an IndexUnavailable) naming
        ``what``. Answers the cache holds still come."""
        self.fetcher.limit_time(seconds, what)

    def project(self, name: str) -> ProjectPage:
        """The project's page; PackageNotFound if the index has none."""
        page, _ = self.project_since(name, None)
        assert page is not None  # asked unconditionally
        return page

    def project_since(
        self, name: str, known: Validators | None
    ) -> tuple[ProjectPage | None, Validators | None]:
        """The project's page and the validators to ask for it again with;
        PackageNotFound if the index has none.

        ``known``: the validators of the page as a caller saw it last, which
        keeps what it learnt from it in its own form: then the page is None
        while unchanged (still fresh, or a 304), and the disk cache is not
        read. Without ``known`` the page comes through the disk cache."""
        canonical = canonicalize_name(name)
        url = join_url(self.index_url, f"{canonical}/")
        if known is not None:
            answer = self.fetcher.revalidate(url, SIMPLE_ACCEPT, known)
            if isinstance(answer, Validators):
                return None, answer
        else:
            answer = self.fetcher.get(url, SIMPLE_ACCEPT)
        if answer is None:
            raise PackageNotFound(name, self.index_url)
        return self._parse(answer, url, canonical), answer.validators

    def _parse(
        self, response: Response, url: str, canonical: NormalizedName
    ) -> ProjectPage:
        body, content_type, final = response.body, response.content_type, response.url
        # Every page is kept parsed the first time it is parsed, and read back
        # while the cache answers with the same body: a warm run parses
        # nothing, so never imports pypi-simple (about 0.3 s).
        key = self.fetcher.cache_key(url, SIMPLE_ACCEPT)
        source = (final, content_type, body)
        page = self._parsed.get(key, source, canonical) if response.from_cache else None
        if page is None:
            page = parse_page(body, content_type, final, canonical)
            self._parsed.put(key, source, page)
        return page

    def release_files(self, name: str, version: Version) -> ProjectPage:
        """The project's page with ``version``'s files only (others, and
        the versions list, may be left out), read past the disk cache:
        for callers that keep what they learn from it in their own form."""
        canonical = canonicalize_name(name)
        url = join_url(self.index_url, f"{canonical}/")
        response = self.fetcher.get(url, SIMPLE_ACCEPT, cached=False)
        if response is None:
            raise PackageNotFound(name, self.index_url)
        body, content_type, final = response.body, response.content_type, response.url
        page = release_page(body, content_type, final, canonical, version)
        return page or parse_page(body, content_type, final, canonical)

    def projects(self, names: Sequence[str]) -> dict[str, ProjectPage | AccordError]:
        """Each name's page, or the error reading it; fetched concurrently."""
        unique = list(dict.fromkeys(names))
        if not unique:
            return {}

        def one(name: str) -> ProjectPage | AccordError:
            try:
                return self.project(name)
            except AccordError as error:
                return error

        found = map_threads(one, unique, self.max_workers, "accord-index")
        return dict(zip(unique, found, strict=True))

    def core_metadata(self, file: DistFile) -> CoreMetadata | None:
        """The file's PEP 658 metadata; None if the index serves none."""
        if file.metadata_url is None:
            return None
        response = self.fetcher.get(file.metadata_url, "*/*", METADATA_BYTES)
        if response is None:
            return None
        version = "" if file.version is None else str(file.version)
        return _core_metadata(response.body, file.metadata_url, file, version)

    def release(
        self, name: str, version: str | None = None, *, cached: bool = True
    ) -> PyPIRelease | None:
        """PyPI's JSON for the release (latest if no version); None if absent.
        ``cached=False`` keeps the answer out of the disk cache."""
        if self.pypi_json_url is None:
            return None
        key = (canonicalize_name(name), version)
        with self._lock:
            if key in self._releases:
                return self._releases[key]
        release = self._fetch_release(name, version, cached)
        if cached:  # else a later caller that wants it on disk asks again
            with self._lock:
                self._releases[key] = release
        return release

    def _fetch_release(
        self, name: str, version: str | None, cached: bool = True
    ) -> PyPIRelease | None:
        if self.pypi_json_url is None or self._json_misses >= _JSON_API_GIVE_UP:
            return None
        path = canonicalize_name(name) + ("" if version is None else f"/{version}")
        url = urllib.parse.urljoin(self.pypi_json_url, f"{path}/json")
        response = self.fetcher.get(url, "application/json", cached=cached)
        if response is None:
            # Asked only about projects the simple index has: a JSON API
            # that knows none of several is absent (a mirror), so stop asking.
            with self._lock:
                self._json_misses += 1
            return None
        with self._lock:
            self._json_misses = -(10**9)  # it answers: never give up on it
        from accord.index._metadata import parse_release

        try:
            return parse_release(response.body, name, version)
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            shown = redact(url)
            raise IndexUnavailable(
                f"{shown} is not a valid JSON API document: {error}", url=shown
            ) from error

    def latest_metadata(
        self, page: ProjectPage, version: Version | None = None
    ) -> CoreMetadata | None:
        """Metadata of ``version``, else of the newest installable release.

        From a wheel's PEP 658 metadata if one is served, else from the JSON
        API; None if neither has it.
        """
        chosen = version if version is not None else newest_version(page)
        if chosen is None:
            return None
        for file in page.files_for(chosen):
            if file.is_wheel and file.metadata_url is not None:
                metadata = self.core_metadata(file)
                if metadata is not None:
                    return metadata
        release = self.release(page.name, str(chosen))
        if release is not None:
            return release.metadata
        return self._metadata_from_wheel(page, chosen)

    def _metadata_from_wheel(
        self, page: ProjectPage, version: Version
    ) -> CoreMetadata | None:
        """METADATA read from the smallest wheel itself: the last resort for
        an index that serves neither PEP 658 files nor a JSON API (a mirror)."""
        from accord.index._wheel import RemoteFile, wheel_metadata

        wheels = [f for f in page.files_for(version) if f.is_wheel and f.yanked is None]
        for file in wheels[:1]:
            # Some mirrors serve PEP 658 files without advertising them; one
            # small request may save downloading the whole wheel (until
            # several in a row say the mirror has none).
            if self._probe_misses < _PROBE_GIVE_UP:
                probe_url = f"{file.url}.metadata"
                probe = self.fetcher.get(probe_url, "*/*", METADATA_BYTES)
                found = probe is not None and probe.body.startswith(b"Metadata-Version")
                with self._lock:
                    self._probe_misses = -(10**9) if found else self._probe_misses + 1
                if probe is not None and found:
                    return _core_metadata(probe.body, probe_url, file, str(version))
            # By ranges: the central directory and METADATA, not the whole
            # wheel (unless the index ignores ranges); METADATA is capped.
            try:
                wheel = RemoteFile(self.fetcher, file.url, _MAX_WHEEL_BYTES)
            except ResponseTooLarge:
                return None  # a server ignoring ranges, and a huge wheel
            body = wheel_metadata(wheel, file.url)
            if body is None:
                return None
            return _core_metadata(body, file.url, file, str(version))
        return None


_MAX_WHEEL_BYTES = 20 * 1024 * 1024
# The field every core metadata version has, among the headers (a field
# name is ASCII; compat32 reads them case-insensitively).
_METADATA_VERSION = re.compile(rb"(?im)^metadata-version[ \t]*:")
_JSON_API_GIVE_UP = 5  # consecutive misses before the JSON API counts as absent
_PROBE_GIVE_UP = 5  # the same for unadvertised .metadata files


def newest_version(page: ProjectPage) -> Version | None:
    """The newest version with a file that is not yanked (PEP 592).

    Final releases win over pre-releases, as installers choose; a project
    with only pre-releases gives its newest pre-release.
    """
    installable = [
        v for v in page.versions if any(f.yanked is None for f in page.files_for(v))
    ]
    finals = [v for v in installable if not v.is_prerelease]
    candidates = finals or installable
    return max(candidates) if candidates else None


def _core_metadata(body: bytes, url: str, file: DistFile, version: str) -> CoreMetadata:
    """The core metadata at ``url`` (of ``file``); IndexUnavailable naming
    the URL if it is not core metadata (a binary file, or an error page such
    as a proxy's sign-in answered as the file)."""
    from accord.index._metadata import parse_core_metadata

    try:
        if _METADATA_VERSION.search(body) is None:  # every version has it
            raise ValueError("no Metadata-Version field")
        return parse_core_metadata(body, _project_of(file), version)
    except ValueError as error:
        shown = redact(url)
        raise IndexUnavailable(
            f"{shown} is not core metadata: {error}", url=shown
        ) from error


def _project_of(file: DistFile) -> str:
    """The project name a filename starts with, for metadata lacking one."""
    if file.is_wheel:
        with contextlib.suppress(InvalidWheelFilename):
            return parse_wheel_filename(file.filename)[0]
    return file.filename.partition("-")[0]
