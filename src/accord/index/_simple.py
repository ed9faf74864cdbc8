"""Parse a simple-API project page: PEP 691 JSON or PEP 503 HTML.

Both give the same :class:`ProjectPage`; HTML cannot carry PEP 700's upload
times or version list, so those come out as ``None`` and "from the files".
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from accord.index._http import IndexUnavailable, redact
from accord.index._limits import loads
from accord.index.model import DistFile, ProjectPage

_LEGACY_SUFFIXES = (".tar.bz2", ".tar.xz", ".tgz", ".tar", ".egg", ".exe", ".msi")
_FRACTION = re.compile(r"\.(\d+)")
_HEX = re.compile(r"[0-9a-fA-F]+")
# URL characters urljoin passes through unchanged (no query, parameters,
# fragment, space or control character).
_PLAIN = r"[A-Za-z0-9._~%!$&'()*+,=@-]"
_PLAIN_SEGMENT = re.compile(_PLAIN + "+")
_PLAIN_ABSOLUTE = re.compile(
    rf"https?://{_PLAIN}[A-Za-z0-9._~%!$&'()*+,=@:-]*(?:/{_PLAIN}*)*"
)
_PLAIN_BASE = re.compile(
    rf"https?://{_PLAIN}[A-Za-z0-9._~%!$&'()*+,=@:-]*/(?:{_PLAIN}+/)*"
)
_PLAIN_RELATIVE = re.compile(rf"{_PLAIN}+(?:/{_PLAIN}+)*/?")


def parse_page(
    body: bytes, content_type: str, page_url: str, name: NormalizedName
) -> ProjectPage:
    """The page at ``page_url``, JSON or HTML according to ``content_type``."""
    if "json" in content_type.lower():
        return parse_json(body, page_url, name)
    return parse_html(body, page_url, name)


def parse_json(body: bytes, page_url: str, name: NormalizedName) -> ProjectPage:
    try:
        data = loads(body)
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        api = str(data.get("meta", {}).get("api-version", "1.0"))
        if api.split(".", maxsplit=1)[0] != "1":
            raise ValueError(f"unsupported simple-API version {api}")
        files = tuple(_json_file(entry, page_url, name) for entry in data["files"])
        listed = data.get("versions")
        versions = (
            _versions(str(v) for v in listed)
            if isinstance(listed, list)
            else _versions_of(files)
        )
        status, reason = _json_status(data.get("project-status"))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        shown = redact(page_url)
        raise IndexUnavailable(
            f"{shown} is not a valid simple-API JSON page: {error}", url=shown
        ) from error
    return ProjectPage(
        name=name,
        files=files,
        versions=versions,
        status=status,
        status_reason=reason,
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
    try:
        data = loads(body)
        entries = [
            entry
            for entry in data["files"]
            if any(s in str(entry["filename"]) for s in spelt)
        ]
        files = tuple(_json_file(entry, page_url, name) for entry in entries)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        shown = redact(page_url)
        raise IndexUnavailable(
            f"{shown} is not a valid simple-API JSON page: {error}", url=shown
        ) from error
    mine = tuple(f for f in files if f.version == version)
    return ProjectPage(name=name, files=mine, versions=(version,)) if mine else None


def _json_status(value: object) -> tuple[str, str | None]:
    """PEP 792's ``project-status`` object: its status and reason."""
    if not isinstance(value, dict):
        return "active", None
    status, reason = value.get("status"), value.get("reason")
    return (
        status.strip().lower() if isinstance(status, str) and status else "active",
        reason if isinstance(reason, str) and reason else None,
    )


def _json_file(entry: Mapping[str, Any], page_url: str, name: str) -> DistFile:
    filename = str(entry["filename"])
    url = _absolute(page_url, str(entry["url"]))
    yanked = entry.get("yanked", False)
    metadata = entry.get("core-metadata", entry.get("dist-info-metadata", False))
    requires_python = entry.get("requires-python")
    upload = entry.get("upload-time")
    return DistFile(
        filename=filename,
        url=url,
        version=version_of(filename, name),
        requires_python=str(requires_python) if requires_python else None,
        yanked=_yanked(yanked),
        upload_time=parse_time(str(upload)) if upload else None,
        metadata_url=url + ".metadata" if metadata else None,
        is_wheel=filename.endswith(".whl"),
        hashes=_hashes(entry.get("hashes")),
        size=_size(entry.get("size")),
    )


def _hashes(value: object) -> tuple[tuple[str, str], ...]:
    """PEP 691 ``hashes`` as sorted (algorithm, lower-case hex) pairs."""
    if not isinstance(value, Mapping):
        return ()
    return tuple(
        sorted(
            (str(name).lower(), digest.lower())
            for name, digest in value.items()
            if isinstance(digest, str) and _HEX.fullmatch(digest)
        )
    )


def _size(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _fragment_hashes(href: str) -> tuple[tuple[str, str], ...]:
    """PEP 503's ``#sha256=<hex>`` URL fragment as (algorithm, hex) pairs."""
    fragment = urllib.parse.urldefrag(href)[1]
    name, _, digest = fragment.partition("=")
    return _hashes({name: digest}) if name and digest else ()


def _yanked(value: object) -> str | None:
    if value is False or value is None:
        return None
    return value if isinstance(value, str) else ""


def parse_html(body: bytes, page_url: str, name: NormalizedName) -> ProjectPage:
    from accord.index._anchors import Anchors  # html.parser: for HTML pages only

    parser = Anchors()
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    base = _absolute(page_url, parser.base) if parser.base else page_url
    files = []
    for attrs, text in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        url = _absolute(base, href)
        filename = text.strip() or urllib.parse.unquote(url.rsplit("/", 1)[-1])
        metadata = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
        requires_python = attrs.get("data-requires-python")
        files.append(
            DistFile(
                filename=filename,
                url=url,
                version=version_of(filename, name),
                requires_python=requires_python or None,
                yanked=attrs.get("data-yanked"),
                upload_time=None,
                metadata_url=(
                    url + ".metadata"
                    if metadata is not None and metadata.lower() != "false"
                    else None
                ),
                is_wheel=filename.endswith(".whl"),
                hashes=_fragment_hashes(href),
            )
        )
    found = tuple(files)
    status = (parser.meta.get("pypi:project-status") or "").strip().lower()
    return ProjectPage(
        name=name,
        files=found,
        versions=_versions_of(found),
        status=status or "active",
        status_reason=parser.meta.get("pypi:project-status-reason") or None,
    )


def _absolute(base: str, href: str) -> str:
    """``href`` resolved against ``base``, without its ``#hash`` fragment.

    ``urljoin`` costs about a tenth of parsing a page; the forms indexes
    write (an absolute ``http(s)://host/path`` and a relative path such as
    ``../../files/NAME``) against a plain page URL are resolved by string,
    the way ``urljoin`` does (RFC 3986's dot segments): plain characters
    only, anything else goes to ``urljoin`` itself.
    """
    plain = href.partition("#")[0]
    if _PLAIN_ABSOLUTE.fullmatch(plain):
        return plain
    if _PLAIN_RELATIVE.fullmatch(plain) and _PLAIN_BASE.fullmatch(base):
        return _resolve(base, plain)
    return urllib.parse.urldefrag(urllib.parse.urljoin(base, href))[0]


def join_url(base: str, path: str) -> str:
    """``urljoin(base, path)`` for a base and relative path of plain
    characters (an index URL and a project name), by string."""
    if _PLAIN_RELATIVE.fullmatch(path) and _PLAIN_BASE.fullmatch(base):
        return _resolve(base, path)
    return urllib.parse.urljoin(base, path)


def _resolve(base: str, relative: str) -> str:
    """``urljoin``'s merge of a relative path (no leading or doubled ``/``)
    into a base ending in ``/`` (no doubled ``/``, query or fragment)."""
    root = base.index("/", base.index("//") + 2)
    segments = base[root:-1].split("/") + relative.split("/")
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    path = "/".join(resolved)
    return base[:root] + (path if path.startswith("/") else "/" + path)


def version_of(filename: str, name: str) -> Version | None:
    """The version a distribution's filename names, or None."""
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)[1]
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        pass
    return _legacy_version(filename, canonicalize_name(name))


def _legacy_version(filename: str, name: str) -> Version | None:
    """``name-1.0.tar.bz2``, ``name-1.0-py2.7.egg``: the version after the name."""
    stem = filename
    for suffix in (".tar.gz", ".zip", *_LEGACY_SUFFIXES):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        return None
    for index, char in enumerate(stem):
        if char == "-" and canonicalize_name(stem[:index]) == name:
            try:
                return Version(stem[index + 1 :].split("-")[0])
            except InvalidVersion:
                return None
    return None


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


def parse_time(text: str) -> datetime.datetime | None:
    """An ISO 8601 time as an aware datetime (UTC if it names no zone)."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.10's fromisoformat takes only 3 or 6 fraction digits.
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment
