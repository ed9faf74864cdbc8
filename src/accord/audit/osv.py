"""The OSV client: ``POST /v1/querybatch`` for the ids, ``GET /v1/vulns/ID``
for each advisory, over accord's HTTP layer.

Details come through the on-disk HTTP cache (ETag, ``max-age``), so a later
run asks for them only conditionally. A querybatch is a POST, which no HTTP
cache keeps: its answer is kept here per (OSV URL, name, version) for
``ttl`` seconds (an hour by default), so a second run within the hour sends
no query at all, and one after it sends one batch and revalidates the rest.
The answers for one OSV URL are kept in one file (``<store>/<digest>.json``:
``{name: {version: [fetched, [ids]]}}``), read once a run; a damaged one is
only slower (its queries are sent again).
Any OSV-compatible server works (an internal mirror): only those two
endpoints are used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.audit.model import Advisory
from accord.index._errors import printable
from accord.index._http import (
    Fetcher,
    IndexUnavailable,
    redact,
    write_cache_file,
)
from accord.index._limits import METADATA_BYTES, PAGE_BYTES, loads

DEFAULT_OSV_URL = "https://api.osv.dev"
QUERY_TTL = 3600.0  # seconds a querybatch answer is reused
BATCH = 1000  # OSV's most queries in one batch
_MAX_PAGES = 20  # rounds of next_page_token before giving up on a release
_SUMMARY = 160

Key = tuple[NormalizedName, Version]


class OsvClient:
    """Reads one OSV-compatible API; thread-safe."""

    def __init__(
        self,
        fetcher: Fetcher,
        url: str = DEFAULT_OSV_URL,
        store: Path | None = None,
        ttl: float | None = None,  # None: QUERY_TTL
        workers: int = 16,
    ) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in {"http", "https"}:
            from accord.errors import InputError

            raise InputError(f"OSV URL {redact(url)!r} is not an http(s) URL")
        self.url = url.rstrip("/")
        self.fetcher = fetcher
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:16]
        self.store = None if store is None else store / f"{digest}.json"
        self.ttl = QUERY_TTL if ttl is None else ttl
        self.workers = max(1, workers)
        self.queries = 0  # querybatch requests sent, for the report

    def advisories(self, keys: Sequence[Key]) -> dict[Key, tuple[Advisory, ...]]:
        """Each release's advisories; IndexUnavailable when OSV cannot answer."""
        ids = self.ids(keys)
        wanted = sorted({i for found in ids.values() for i in found})
        workers = max(1, min(self.workers, len(wanted)))
        with ThreadPoolExecutor(workers, thread_name_prefix="accord-osv") as pool:
            documents = dict(zip(wanted, pool.map(self._document, wanted), strict=True))
        return {
            key: tuple(
                advisory
                for i in ids.get(key, ())
                if (advisory := to_advisory(i, documents.get(i), key[0])) is not None
            )
            for key in keys
        }

    def ids(self, keys: Sequence[Key]) -> dict[Key, tuple[str, ...]]:
        """The ids of each release's advisories: from the store while fresh,
        else by querybatch (in batches of a thousand)."""
        found: dict[Key, tuple[str, ...]] = {}
        asking: list[Key] = []
        kept = self._load()
        now = time.time()
        for key in dict.fromkeys(keys):
            ids = _fresh_ids(kept, key, now, self.ttl)
            if ids is None:
                asking.append(key)
            else:
                found[key] = ids
        for start in range(0, len(asking), BATCH):
            batch = asking[start : start + BATCH]
            for key, ids in zip(batch, self._query(batch), strict=True):
                found[key] = ids
                kept.setdefault(key[0], {})[str(key[1])] = [now, list(ids)]
        if asking:
            self._keep(kept, now)
        return found

    def _query(self, batch: Sequence[Key]) -> list[tuple[str, ...]]:
        ids: list[list[str]] = [[] for _ in batch]
        tokens: dict[int, str | None] = dict.fromkeys(range(len(batch)))
        for _ in range(_MAX_PAGES):
            if not tokens:
                break
            order = list(tokens)
            queries = [_query_of(batch[i], tokens[i]) for i in order]
            results = self._post({"queries": queries}, len(queries))
            tokens = {}
            for i, (found, token) in zip(order, results, strict=True):
                ids[i].extend(found)
                if token:
                    tokens[i] = token
        return [tuple(dict.fromkeys(found)) for found in ids]

    def _post(self, document: object, count: int) -> list[tuple[list[str], str | None]]:
        """Each query's advisory ids and next page token."""
        url = f"{self.url}/v1/querybatch"
        body = self.fetcher.post(
            url, json.dumps(document).encode(), "application/json", PAGE_BYTES
        )
        self.queries += 1
        try:
            data = loads(body)
            results = data["results"]
            if not isinstance(results, list) or len(results) != count:
                raise ValueError(f"{len(results)} results for {count} queries")
            return [
                _ids_in(r if isinstance(r, dict) else {}, number)
                for number, r in enumerate(results)
            ]
        except (ValueError, TypeError, KeyError) as error:
            shown = redact(url)
            raise IndexUnavailable(
                f"{shown} is not a valid OSV querybatch answer: {error}", url=shown
            ) from error

    def _document(self, ident: str) -> Mapping[str, Any] | None:
        """The advisory's OSV document; None when OSV has no such id or its
        answer cannot be read (the id is still reported)."""
        url = f"{self.url}/v1/vulns/{urllib.parse.quote(ident, safe='')}"
        try:
            response = self.fetcher.get(url, "application/json", METADATA_BYTES)
            data = None if response is None else loads(response.body)
        except (IndexUnavailable, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _load(self) -> dict[str, Any]:
        """The kept answers, by name and version; empty if none can be read."""
        if self.store is None:
            return {}
        try:
            data = json.loads(self.store.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {name: v for name, v in data.items() if isinstance(v, dict)}

    def _keep(self, kept: Mapping[str, Any], now: float) -> None:
        """Write the answers still fresh at ``now``."""
        fresh = {
            name: live
            for name, versions in kept.items()
            if (live := {v: a for v, a in versions.items() if _fresh(a, now, self.ttl)})
        }
        if self.store is not None:
            data = json.dumps(fresh, separators=(",", ":"))
            with contextlib.suppress(OSError):  # only slower next time
                write_cache_file(self.store, data.encode())


def _fresh_ids(
    kept: Mapping[str, Any], key: Key, now: float, ttl: float
) -> tuple[str, ...] | None:
    """The kept ids of ``key``'s advisories, if asked less than ``ttl`` ago."""
    answer = kept.get(key[0], {}).get(str(key[1]))
    if not _fresh(answer, now, ttl):
        return None
    return tuple(str(i) for i in answer[1])


def _fresh(answer: Any, now: float, ttl: float) -> bool:
    """Whether ``answer`` is a kept ``[fetched, [ids]]`` less than ``ttl`` old."""
    try:
        fetched, ids = answer
        return 0 <= now - float(fetched) < ttl and isinstance(ids, list)
    except (ValueError, TypeError):
        return False


def _query_of(key: Key, token: str | None) -> dict[str, object]:
    query: dict[str, object] = {
        "package": {"name": key[0], "ecosystem": "PyPI"},
        "version": str(key[1]),
    }
    if token:
        query["page_token"] = token
    return query


def _ids_in(result: Mapping[str, Any], number: int) -> tuple[list[str], str | None]:
    """The advisory ids in querybatch result ``number``, and its next page
    token; ValueError for an id that is not a string (an answer that cannot
    be trusted to name the advisories: the JSON API is asked instead)."""
    vulns = result.get("vulns") or []
    if not isinstance(vulns, list):
        return [], None
    ids = []
    for entry in vulns:
        ident = entry.get("id") if isinstance(entry, dict) else None
        if ident is None or ident == "":
            continue
        if not isinstance(ident, str):
            raise ValueError(
                f"results.{number}: an id that is not a string: {ident!r:.40}"
            )
        ids.append(ident)
    token = result.get("next_page_token")
    return ids, token if isinstance(token, str) and token else None


def to_advisory(
    ident: str, data: Mapping[str, Any] | None, name: NormalizedName
) -> Advisory | None:
    """The advisory an OSV document describes for package ``name``; None if
    it was withdrawn. Without a document, the id alone."""
    if data is None:
        return Advisory(ident, "no details from OSV", link=_link(ident, None))
    if data.get("withdrawn"):
        return None
    severity: list[str] = [*_severities(data)]
    fixed: set[Version] = set()
    for affected in _dicts(data.get("affected")):
        package = affected.get("package")
        if not isinstance(package, dict):
            continue
        if str(package.get("ecosystem", "")).lower() != "pypi":
            continue
        if canonicalize_name(str(package.get("name", ""))) != name:
            continue
        severity.extend(_severities(affected))
        for extra in ("ecosystem_specific", "database_specific"):
            word = _dict(affected.get(extra)).get("severity")
            if isinstance(word, str) and word:
                severity.append(word)
        for span in _dicts(affected.get("ranges")):
            if span.get("type") not in {"ECOSYSTEM", "SEMVER"}:
                continue
            for event in _dicts(span.get("events")):
                with contextlib.suppress(InvalidVersion, TypeError):
                    if "fixed" in event:
                        fixed.add(Version(str(event["fixed"])))
    word = _dict(data.get("database_specific")).get("severity")
    if isinstance(word, str) and word:
        severity.append(word)
    summary = _text(data.get("summary")) or _text(data.get("details"))
    aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
    return Advisory(
        id=printable(_text(data.get("id")) or ident),
        summary=printable(_one_line(summary)),
        aliases=tuple(printable(str(a)) for a in aliases or ()),
        severity=tuple(dict.fromkeys(severity)),
        fixed=tuple(sorted(fixed)),
        link=_link(ident, data),
    )


def _severities(data: Mapping[str, Any]) -> list[str]:
    return [
        f"{entry.get('type', '')} {entry.get('score', '')}".strip()
        for entry in _dicts(data.get("severity"))
        if entry.get("score")
    ]


def _link(ident: str, data: Mapping[str, Any] | None) -> str:
    for reference in _dicts(None if data is None else data.get("references")):
        url = reference.get("url")
        if (
            reference.get("type") == "ADVISORY"
            and isinstance(url, str)
            and url.lower().startswith(("https://", "http://"))  # no javascript:
        ):
            return url
    return f"https://osv.dev/vulnerability/{urllib.parse.quote(ident, safe='')}"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SUMMARY else line[: _SUMMARY - 1] + "…"


def _text(value: object) -> str:
    """A string field, stripped; "" for anything else (a hostile server's
    list or object where OSV has a string)."""
    return value.strip() if isinstance(value, str) else ""


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
