"""Rewriting a project page so that every file link points at the relay.

A ``Link`` turns a file URL (as linked from the page at ``base``) into the
relay's URL for it and the ``#fragment`` (the file's hash, which uv checks).
Each wheel gets its core metadata advertised: the relay serves it either way.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from collections.abc import Callable

from accord.index._errors import redact
from accord.index._limits import loads
from accord.index.relay._errors import RelayError

Link = Callable[[str, str], tuple[str, str]]
# The relay's URL for a plain absolute link, on the page's bytes (the cheap
# way: most of a page's rewriting), or None for ``Link`` to do it.
PlainLink = Callable[[bytes], bytes | None]

_ANCHOR = re.compile(r"<a\s([^>]*)>([^<]*)", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""", re.DOTALL
)
# An absolute link with nothing escaped in it: rewritten on the bytes.
_JSON_PLAIN_URL = re.compile(rb'"url"\s*:\s*"(https?://[^"\\#]+)(#[^"\\]*)?"')
_JSON_WHEEL = re.compile(rb'("filename"\s*:\s*"[^"]+\.whl")')
_ADVERTISED_JSON = b', "core-metadata": true, "dist-info-metadata": true'
_BASE = re.compile(r"<base\s[^>]*href\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def rewrite_json(
    body: bytes, page_url: str, link: Link, plain: PlainLink | None = None
) -> bytes:
    # Pages such as botocore's list thousands of files. When every link
    # is absolute and plain (PyPI's are), the links are rewritten on the
    # bytes, in one pass; JSON is decoded only for the others.
    if b'"files"' in body:

        def substitute(match: re.Match[bytes]) -> bytes:
            if plain is not None and (fast := plain(match[1])) is not None:
                return b'"url": "' + fast + (match[2] or b"") + b'"'
            url = match[1].decode("utf-8", "replace") + (
                (match[2] or b"").decode("utf-8", "replace")
            )
            relayed, fragment = link(page_url, url)
            return b'"url": "' + (relayed + fragment).encode() + b'"'

        rewritten, links = _JSON_PLAIN_URL.subn(substitute, body)
        # Every "url" key was a plain link (a "url" in a string is escaped).
        if links == body.count(b'"url"'):
            advertised = max(
                body.count(b'"core-metadata"'), body.count(b'"dist-info-metadata"')
            )
            if not advertised:
                return _JSON_WHEEL.sub(_advertise_json, rewritten)
            if advertised == len(_JSON_WHEEL.findall(body)):
                return rewritten
    try:
        data = loads(body)
        entries = data["files"]
        if not isinstance(entries, list):
            raise TypeError("'files' is not a list")
    except (ValueError, TypeError, KeyError) as error:
        raise RelayError(
            f"{redact(page_url)}: not a simple-API page: {error}"
        ) from error
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            continue
        relayed, fragment = link(page_url, entry["url"])
        entry["url"] = relayed + fragment
        filename = str(entry.get("filename", ""))
        if filename.endswith(".whl") and not (
            entry.get("core-metadata") or entry.get("dist-info-metadata")
        ):
            entry["core-metadata"] = True
            entry["dist-info-metadata"] = True
    return json.dumps(data).encode()


def _advertise_json(match: re.Match[bytes]) -> bytes:
    return match[1] + _ADVERTISED_JSON


def rewrite_html(body: bytes, page_url: str, link: Link) -> bytes:
    text = body.decode("utf-8", errors="replace")
    base_match = _BASE.search(text)
    base = (
        urllib.parse.urljoin(page_url, html.unescape(base_match.group(1)))
        if base_match
        else page_url
    )
    text = _BASE.sub("", text)

    def anchor(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(1))
        href = attributes.get("href")
        if not href:
            return match.group(0)
        relayed, fragment = link(base, href)
        filename = match.group(2).strip() or urllib.parse.unquote(
            relayed.split("?", 1)[0].rsplit("/", 1)[-1]
        )
        attributes["href"] = relayed + fragment
        if filename.endswith(".whl") and not (
            attributes.get("data-core-metadata")
            or attributes.get("data-dist-info-metadata")
        ):
            attributes["data-core-metadata"] = "true"
            attributes["data-dist-info-metadata"] = "true"
        rendered = " ".join(
            f'{key}="{html.escape(value, quote=True)}"'
            for key, value in attributes.items()
        )
        return f"<a {rendered}>{match.group(2)}"

    return _ANCHOR.sub(anchor, text).encode()


def _attributes(text: str) -> dict[str, str]:
    """An HTML tag's attributes, names lower-cased, values unescaped."""
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(text)
    }
