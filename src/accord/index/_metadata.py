"""Parse core metadata (METADATA / PKG-INFO) and PyPI's JSON API."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from email.message import Message
from email.parser import HeaderParser
from typing import Any

from accord.index._errors import printable
from accord.index._limits import loads
from accord.index.model import CoreMetadata, PyPIRelease, Vulnerability

_UNKNOWN = frozenset({"", "unknown", "none"})


def parse_core_metadata(body: bytes, name: str, version: str) -> CoreMetadata:
    """The fields reviews use; ``name``/``version`` stand in if missing.

    ValueError for a body with a NUL byte (no text format has one: a
    binary file, or an index's trick). Bytes that are not UTF-8 are read
    as U+FFFD, as old PKG-INFO files in Latin-1 need."""
    from email.policy import compat32  # email.policy: ~4 ms to import

    if b"\0" in body:
        raise ValueError("it holds a NUL byte")

    text = body.decode("utf-8", errors="replace")
    message: Message = HeaderParser(policy=compat32).parsestr(text)

    def one(field: str, *, multiline: bool = False) -> str | None:
        value = message.get(field)
        return None if value is None else _clean(_text(value), multiline=multiline)

    def many(field: str) -> tuple[str, ...]:
        values = (_clean(_text(v)) for v in message.get_all(field) or ())
        return tuple(v for v in values if v)

    urls = []
    for entry in many("Project-URL"):
        label, _, url = entry.partition(",")
        if url.strip():
            urls.append((label.strip(), url.strip()))
    return CoreMetadata(
        name=one("Name") or name,
        version=one("Version") or version,
        summary=_known(one("Summary")),
        license=_known(one("License", multiline=True)),
        license_expression=_known(one("License-Expression")),
        classifiers=many("Classifier"),
        requires_python=one("Requires-Python") or None,
        requires_dist=many("Requires-Dist"),
        keywords=split_keywords(one("Keywords")),
        project_urls=tuple(urls),
        home_page=_known(one("Home-page")),
    )


def _text(value: object) -> str:
    """A header as text; compat32 gives str, or Header for odd bytes."""
    return value if isinstance(value, str) else str(value)


def _clean(value: str, *, multiline: bool = False) -> str:
    lines = [line.strip() for line in value.splitlines()]
    joined = "\n".join(lines) if multiline else " ".join(lines)
    return printable(joined.strip())


def _known(value: str | None) -> str | None:
    """None for empty values and setuptools' old ``UNKNOWN`` placeholder."""
    return None if value is None or value.strip().lower() in _UNKNOWN else value


def split_keywords(text: str | None) -> tuple[str, ...]:
    """Comma-separated keywords, or space-separated in old metadata."""
    if not text:
        return ()
    parts = text.split(",") if "," in text else text.split()
    return tuple(part.strip() for part in parts if part.strip())


def parse_release(body: bytes, name: str, version: str | None) -> PyPIRelease:
    """A ``/pypi/<name>[/<version>]/json`` document; ValueError if malformed."""
    data = loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        raise ValueError("no 'info' object")
    info: Mapping[str, Any] = data["info"]
    got_name = _string(info.get("name")) or name
    got_version = _string(info.get("version")) or version or ""
    urls = info.get("project_urls") or {}
    if not isinstance(urls, dict):
        raise ValueError("'project_urls' is not an object")
    metadata = CoreMetadata(
        name=got_name,
        version=got_version,
        summary=_known(_string(info.get("summary"))),
        license=_known(_string(info.get("license"))),
        license_expression=_known(_string(info.get("license_expression"))),
        classifiers=_strings(info.get("classifiers")),
        requires_python=_string(info.get("requires_python")) or None,
        requires_dist=_strings(info.get("requires_dist")),
        keywords=split_keywords(_string(info.get("keywords"))),
        project_urls=tuple((str(k), str(v)) for k, v in urls.items() if v),
        home_page=_known(_string(info.get("home_page"))),
    )
    return PyPIRelease(
        name=got_name,
        version=got_version,
        metadata=metadata,
        vulnerabilities=tuple(_vulnerabilities(data.get("vulnerabilities"))),
        yanked=bool(info.get("yanked", False)),
        yanked_reason=_string(info.get("yanked_reason")) or None,
    )


def _vulnerabilities(entries: object) -> Iterable[Vulnerability]:
    if entries is None:
        return
    if not isinstance(entries, list):
        raise ValueError("'vulnerabilities' is not a list")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("withdrawn"):
            continue
        summary = _string(entry.get("summary")) or _string(entry.get("details"))
        yield Vulnerability(
            id=_string(entry.get("id")) or "",
            summary=re.sub(r"\s+", " ", summary or "").strip(),
            aliases=_strings(entry.get("aliases")),
            fixed_in=_strings(entry.get("fixed_in")),
            link=_string(entry.get("link")) or None,
        )


def _string(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_short(value)}")
    return printable(value)


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"expected a list, got {_short(value)}")
    return tuple(printable(str(item)) for item in value)


def _short(value: object) -> str:
    """``value``'s repr, cut to a line's worth (an index may send megabytes)."""
    import reprlib  # bounded: never the repr of a whole huge value

    text = reprlib.repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
