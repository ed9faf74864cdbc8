"""Parse a simple-API project page, PEP 691 JSON or PEP 503 HTML, with
pypi-simple (PEP 503/592/629/658/691/700/714/792), into accord's model.

pypi-simple (and its bs4, pydantic and requests) is imported on the first
page parsed, which a warm run never does: the client keeps every page it
parsed (:mod:`accord.index._parsed`) and reads it back while the body is
unchanged. What pypi-simple refuses (invalid JSON or HTML it cannot read,
a file entry of the wrong shape, a simple-API major version it does not
know) is an :class:`IndexUnavailable` naming the page, never a traceback.

What the adapter adds to pypi-simple's reading: a PEP 792 status it does
not know (a future one, or another spelling) is kept as the index wrote it,
lower-cased, rather than refusing the page; the legacy ``dist-info-metadata``
key (PEP 714 lets clients read it where ``core-metadata`` is missing, as old
mirrors write) counts; hashes that are not hexadecimal are dropped; and, for
speed, file URLs are made absolute here (by string where urljoin would give
the same) and filenames split without pypi-simple's per-project hint unless
the plain split names another project.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.index._errors import printable
from accord.index._http import IndexUnavailable, redact
from accord.index._limits import loads
from accord.index._urls import absolute
from accord.index.model import DistFile, ProjectPage

_HEX = re.compile(r"[0-9a-fA-F]+")
_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_UTC = datetime.timezone.utc
_JSON_START = re.compile(rb"\s*[\[{]")
_HTML_START = re.compile(rb"\s*<")
_IMPORT_LOCK = threading.Lock()
_LOADED: list[ModuleType] = []  # pypi_simple, once imported


def _pypi_simple() -> ModuleType:
    """pypi-simple, imported on first use (a few tenths of a second with
    its bs4, pydantic and requests): a run whose pages are all kept parsed
    never pays it."""
    if _LOADED:
        return _LOADED[0]
    with _IMPORT_LOCK:
        if not _LOADED:
            import warnings

            import pypi_simple

            # A newer minor simple-API version is read as the one it knows
            # (PEP 629 says so); its warning would only clutter the output.
            warnings.filterwarnings(
                "ignore", category=pypi_simple.UnexpectedRepoVersionWarning
            )
            _LOADED.append(pypi_simple)
    return _LOADED[0]


def parse_page(
    body: bytes, content_type: str, page_url: str, name: NormalizedName
) -> ProjectPage:
    """The page at ``page_url``, JSON or HTML according to ``content_type``."""
    if "json" in content_type.lower():
        return parse_json(body, page_url, name, content_type)
    return parse_html(body, page_url, name, content_type)


def parse_json(
    body: bytes,
    page_url: str,
    name: NormalizedName,
    content_type: str = "application/vnd.pypi.simple.v1+json",
) -> ProjectPage:
    with _invalid(page_url, "JSON"):
        if _HTML_START.match(body):  # no JSON document starts so
            raise ValueError(f"an HTML document served as {content_type!r}")
        data = loads(body)
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        page, status = _json_page(data)
        files = _json_files(data["files"], name, page_url)
        versions = (
            _versions(page.versions)
            if page.versions is not None
            else _versions_of(files)
        )
        return ProjectPage(
            name=name,
            files=files,
            versions=versions,
            status=status,
            status_reason=printable(page.status_reason or "") or None,
        )


def release_page(
    body: bytes,
    content_type: str,
    page_url: str,
    name: NormalizedName,
    version: Version,
) -> ProjectPage | None:
    """The page with only ``version``'s files, the others left unparsed (a
    page may list twenty thousand files; one release's metadata needs a few).

    None where that is not cheap: an HTML page, or no file whose name spells
    the version as ``str(version)`` does (then parse the whole page).
    """
    if "json" not in content_type.lower():
        return None
    spelt = (f"-{version}-", f"-{version}.")
    with _invalid(page_url, "JSON"):
        data = loads(body)
        entries = [
            entry
            for entry in data["files"]
            if any(s in str(entry["filename"]) for s in spelt)
        ]
        if not entries:
            return None
        _json_page(data)  # the page's meta and fields, checked
        files = _json_files(entries, name, page_url)
    mine = tuple(f for f in files if f.version == version)
    return ProjectPage(name=name, files=mine, versions=(version,)) if mine else None


def _json_page(data: dict[str, Any]) -> tuple[Any, str]:
    """pypi-simple's page of a PEP 691 document, its files left out (see
    :func:`_json_files`), and its PEP 792 status (one pypi-simple does not
    know kept as written, lower-cased)."""
    pypi_simple = _pypi_simple()
    data = {**data, "files": []}
    try:
        return _with_status(pypi_simple.ProjectPage.from_json_data(data))
    except ValueError as error:  # pydantic's ValidationError is one
        word = _unknown_status(error, data.get("project-status"))
        if word is None:
            raise
    known = {**data["project-status"], "status": None}
    page = pypi_simple.ProjectPage.from_json_data({**data, "project-status": known})
    return page, word or "active"


def _json_files(
    entries: Iterable[Any], name: NormalizedName, page_url: str
) -> tuple[DistFile, ...]:
    """Each PEP 691 file entry, read by pypi-simple's
    ``DistributionPackage.from_json_data`` with no project hint: the hint
    costs a regular expression compiled per project (most of a small page's
    parse); a filename the plain split reads as another project's is read
    again with it (:func:`_files`)."""
    from_json_data = _pypi_simple().DistributionPackage.from_json_data
    packages, legacy = [], []
    for number, entry in enumerate(entries):
        try:
            packages.append(from_json_data(entry))
        except ValueError as error:
            raise ValueError(f"files.{number}: {_why(error)}") from error
        legacy.append(_legacy_metadata(entry))
    return _files(packages, legacy, name, page_url)


def _unknown_status(error: ValueError, value: object) -> str | None:
    """The status word of ``project-status`` where it alone failed
    pypi-simple's validation, lower-cased; else None."""
    problems = getattr(error, "errors", None)
    if not callable(problems) or not isinstance(value, dict):
        return None
    if not all(tuple(p["loc"][:2]) == ("project-status", "status") for p in problems()):
        return None
    word = value.get("status")
    return word.strip().lower() if isinstance(word, str) else None


def _with_status(page: Any) -> tuple[Any, str]:
    return page, "active" if page.status is None else str(page.status)


def _legacy_metadata(entry: object) -> bool:
    """PEP 658's first key, which PEP 714 renamed ``core-metadata``."""
    value = entry.get("dist-info-metadata") if isinstance(entry, dict) else None
    return value is not None and value is not False


def parse_html(
    body: bytes,
    page_url: str,
    name: NormalizedName,
    content_type: str = "text/html",
) -> ProjectPage:
    with _invalid(page_url, "HTML"):
        if _JSON_START.match(body):  # no HTML page starts so
            said = content_type or "no Content-Type"
            raise ValueError(f"a JSON document served as {said!r}")
        pypi_simple = _pypi_simple()
        # Decoded here (the header's charset, else UTF-8): given bytes alone,
        # Beautiful Soup guesses the encoding, slowly.
        charset = _CHARSET.search(content_type)
        try:
            text = body.decode(charset[1] if charset else "utf-8", errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        page = pypi_simple.RepositoryPage.from_html(text)  # URLs joined below
        links = [link for link in page.links if link.text]
        packages = [pypi_simple.DistributionPackage.from_link(x) for x in links]
        legacy = [
            str(link.attrs.get("data-dist-info-metadata", "false")).lower() != "false"
            for link in links
        ]
        files = _files(packages, legacy, name, page_url)
        try:
            status = "active" if page.status is None else str(page.status)
        except ValueError:  # a word pypi-simple does not know: kept
            status = page.pypi_meta["project-status"][0].strip().lower() or "active"
        return ProjectPage(
            name=name,
            files=files,
            versions=_versions_of(files),
            status=status,
            status_reason=printable(page.status_reason or "") or None,
        )


@contextlib.contextmanager
def _invalid(page_url: str, kind: str) -> Iterator[None]:
    """Turns what pypi-simple (or the JSON decoder) refuses into an
    IndexUnavailable naming the page and the first problem."""
    try:
        yield
    except Exception as error:
        refused = isinstance(error, _REFUSED) or (
            type(error).__name__ == "UnsupportedRepoVersionError"
        )
        if not refused:
            raise
        shown = redact(page_url)
        raise IndexUnavailable(
            f"{shown} is not a valid simple-API {kind} page: {_why(error)}",
            url=shown,
        ) from error


# What pypi-simple and its parsers raise on a page they cannot read
# (pydantic's ValidationError is a ValueError; html.py asserts types).
_REFUSED = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    AssertionError,
    RecursionError,
)


def _why(error: object) -> str:
    """One line: a version pypi-simple does not support, or pydantic's
    first problem with where it is, or the error's own message."""
    declared = getattr(error, "declared_version", None)
    if declared is not None:
        return f"unsupported simple-API version {declared}"
    problems = getattr(error, "errors", None)
    if callable(problems):
        found = problems()
        if found:
            where = ".".join(str(part) for part in found[0]["loc"])
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            return f"{where}: {found[0]['msg']}{more}" if where else found[0]["msg"]
    return " ".join(str(error).split()) or type(error).__name__


def _files(
    packages: Iterable[Any],
    legacy: Iterable[bool],
    name: NormalizedName,
    page_url: str,
) -> tuple[DistFile, ...]:
    """pypi-simple's DistributionPackages as accord's DistFiles, their URLs
    (left as the page wrote them, or joined to its ``<base>``) made absolute
    against ``page_url``."""
    parse_filename = _pypi_simple().parse_filename
    versions: dict[str, Version | None] = {}  # a version's files share one
    owners: dict[str, bool] = {}
    files = []
    for number, (package, legacy_metadata) in enumerate(
        zip(packages, legacy, strict=True)
    ):
        version = None
        project, text = package.project, package.version
        ours = project is not None and owners.get(project)
        if ours is None:
            ours = owners[project] = canonicalize_name(project) == name
        if not ours:  # the split at another dash may name this project
            try:
                project, text, _ = parse_filename(package.filename, name)
                ours = canonicalize_name(project) == name
            except ValueError:  # UnparsableFilenameError
                pass
        if ours and text is not None:
            if text in versions:
                version = versions[text]
            else:
                version = versions[text] = _version(text)
        has_metadata = package.has_metadata
        metadata = has_metadata or (has_metadata is None and legacy_metadata)
        url = absolute(page_url, package.url)
        files.append(
            DistFile(
                filename=package.filename,
                url=url,
                version=version,
                requires_python=package.requires_python or None,
                yanked=(
                    printable(package.yanked_reason or "")
                    if package.is_yanked
                    else None
                ),
                upload_time=_aware(package.upload_time, number),
                metadata_url=url + ".metadata" if metadata else None,  # PEP 658
                is_wheel=package.package_type == "wheel",
                hashes=_hashes(package.digests),
                size=package.size
                if package.size is None or package.size >= 0
                else None,
            )
        )
    return tuple(files)


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _aware(moment: datetime.datetime | None, number: int) -> datetime.datetime | None:
    """PEP 700's upload time in UTC (UTC if the index names no zone); a
    ValueError naming file entry ``number`` for one whose UTC falls outside
    the calendar (year 1 east of Greenwich, 9999 west of it)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_UTC)
    try:
        return moment.astimezone(_UTC)
    except OverflowError as error:
        written = moment.isoformat()
        raise ValueError(
            f"files.{number}: upload-time {written} is out of range"
        ) from error


def _hashes(value: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """Sorted (algorithm, lower-case hex) pairs; a digest that is not
    hexadecimal (a hostile page's) is dropped."""
    return tuple(
        sorted(
            (str(name).lower(), digest.lower())
            for name, digest in value.items()
            if name and isinstance(digest, str) and _HEX.fullmatch(digest)
        )
    )


def _versions(texts: Iterable[str]) -> tuple[Version, ...]:
    found = set()
    for text in texts:
        try:
            found.add(Version(text))
        except InvalidVersion:
            continue
    return tuple(sorted(found))


def _versions_of(files: Iterable[DistFile]) -> tuple[Version, ...]:
    return tuple(sorted({f.version for f in files if f.version is not None}))
