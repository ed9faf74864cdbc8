"""Rewriting a project page so that every file link points at the relay.

A ``Link`` turns a file URL (as linked from the page at ``base``) into the
relay's URL for it and the ``#fragment`` (the file's hash, which uv checks).
Each wheel gets its core metadata advertised: the relay serves it either way.

A link the relay would not fetch (not http(s), no host or path, a bad port,
a space, tab or line break: see :func:`accord.index._urls.unfetchable`) is
dropped from the page, with why: left in, uv would fail the whole library
on it, where dropped it loses one file. (A link with another control
character is not looked for, at a cost on every link: the relay refuses to
fetch it when asked, a 502 for that file.)
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING

from accord.index._errors import redact
from accord.index._limits import loads
from accord.index._urls import ascii_url, unfetchable
from accord.index.relay._errors import RelayError
from accord.index.relay._guard import sign, sign_bytes
from accord.index.relay._store import PerPython

if TYPE_CHECKING:
    from accord.index._http import Response

# None: the link is dropped (see the module's docstring).
Link = Callable[[str, str], tuple[str, str] | None]
# The relay's URL for a plain absolute link, on the page's bytes (the cheap
# way: most of a page's rewriting), or None for ``Link`` to do it.
PlainLink = Callable[[bytes], bytes | None]
# A page's dropped links as it gives them -> why each was dropped.
Dropped = dict[str, str]

_ANCHOR = re.compile(r"<a\s([^>]*)>([^<]*)", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""", re.DOTALL
)
# A link the relay fetches as it is, told at a glance: http(s), a host of
# plain labels, a port that can be, a path (anything else is for
# accord.index._urls.unfetchable to judge).
_PLAIN_LINK = (
    r"https?://[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*"
    r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}"
    r"|655[0-2][0-9]|6553[0-5]))?/"
)
_PLAIN_HEAD = re.compile(_PLAIN_LINK)
_LAST_HEAD = [""]  # see _plain_head
# A plain link with nothing escaped in it (nor a space or control
# character): rewritten on the bytes.
_JSON_PLAIN_URL = re.compile(
    rb'"url"\s*:\s*"(' + _PLAIN_LINK.encode() + rb'[^"\\#\x00-\x20\x7f]+)(#[^"\\]*)?"'
)
_JSON_WHEEL = re.compile(rb'("filename"\s*:\s*"[^"]+\.whl")')
_ADVERTISED_JSON = b', "core-metadata": true, "dist-info-metadata": true'
# The file name of a wheel built for one CPython on Linux x86_64 (uv's
# "linux"): <dist>-<version>-cp312-cp312-manylinux_..._x86_64.whl
PER_PYTHON = re.compile(
    r"(?P<release>[A-Za-z0-9_.]+-[^-/]+)-(?P<python>cp3\d+)-cp3\d+t?-"
    r"(?P<platform>[^-/]*linux[^-/]*x86_64)\.whl"
)
# Changed whenever a page's rewrite changes for the same index page: uv's
# copies made by an older accord then no longer match the ETag.
_REWRITE_FORMAT = "1"
_BASE = re.compile(r"<base\s[^>]*href\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def rewrite_page(
    secret: str, base: str, response: Response
) -> tuple[PerPython, bytes, Dropped]:
    """The page with its links through the relay at ``base`` (signed with
    ``secret``), the per-Python wheels it lists, and the links it dropped
    (each as the page gives it, and why)."""
    found: PerPython = {}
    dropped: Dropped = {}
    prefix = base + "f/"
    prefix_bytes = prefix.encode()

    def note(absolute: str) -> None:
        if absolute.endswith("x86_64.whl") and "-cp3" in absolute:
            # one CPython's wheel: noted, to fetch its siblings ahead
            match = PER_PYTHON.fullmatch(absolute.rpartition("/")[2])
            if match is not None:
                key = (match["release"], match["platform"])
                found.setdefault(key, {})[match["python"]] = absolute

    def link(page: str, url: str) -> tuple[str, str] | None:
        try:
            relayed, fragment, absolute = relay_link(secret, prefix, page, url)
        except Refused as refused:
            dropped[url] = str(refused)
            return None
        note(absolute)
        return relayed, fragment

    def plain(url: bytes) -> bytes | None:
        # what relay_link does, on the bytes, for what needs no urljoin
        if b"/." in url or not url.isascii():
            return None
        if url.endswith(b"x86_64.whl"):
            note(url.decode())
        scheme, _, rest = url.partition(b"://")
        mac = sign_bytes(secret, url)
        return prefix_bytes + mac + b"/" + scheme + b"/" + rest

    try:
        if "json" in response.content_type.lower():
            body = rewrite_json(response.body, response.url, link, plain)
        else:
            body = rewrite_html(response.body, response.url, link)
    except ValueError as error:  # a link or <base> urljoin cannot read
        raise RelayError(
            f"{redact(response.url)}: not a simple-API page: {error}"
        ) from error
    return found, body, dropped


def page_etag(source: str, url: str, content_type: str, dropped: Dropped) -> str:
    """The ETag of the rewrite of the index page whose digest is ``source``:
    it follows from that page, where it came from (the base of relative
    links) and the relay's URL (in uv's cache key); a page with links
    dropped is not what an older relay made of it."""
    tag = hashlib.blake2b(digest_size=16)
    for part in (_REWRITE_FORMAT, source, url, content_type, *sorted(dropped)):
        tag.update(part.encode())
        tag.update(b"\n")
    return f'"{tag.hexdigest()}"'


def rewrite_json(
    body: bytes, page_url: str, link: Link, plain: PlainLink | None = None
) -> bytes:
    # Pages such as botocore's list thousands of files. When every link
    # is absolute and plain (PyPI's are), the links are rewritten on the
    # bytes, in one pass; JSON is decoded only for the others.
    if b'"files"' in body:
        refused = False

        def substitute(match: re.Match[bytes]) -> bytes:
            nonlocal refused
            if plain is not None and (fast := plain(match[1])) is not None:
                return b'"url": "' + fast + (match[2] or b"") + b'"'
            url = match[1].decode("utf-8", "replace") + (
                (match[2] or b"").decode("utf-8", "replace")
            )
            relayed = link(page_url, url)
            if relayed is None:  # its file is dropped below, from the JSON
                refused = True
                return match[0]
            return b'"url": "' + "".join(relayed).encode() + b'"'

        rewritten, links = _JSON_PLAIN_URL.subn(substitute, body)
        # Every "url" key was a plain link (a "url" in a string is escaped).
        if links == body.count(b'"url"') and not refused:
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
    kept = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            kept.append(entry)
            continue
        relayed = link(page_url, entry["url"])
        if relayed is None:
            continue
        kept.append(entry)
        entry["url"] = "".join(relayed)
        filename = str(entry.get("filename", ""))
        if filename.endswith(".whl") and not (
            entry.get("core-metadata") or entry.get("dist-info-metadata")
        ):
            entry["core-metadata"] = True
            entry["dist-info-metadata"] = True
    data["files"] = kept
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
        linked = link(base, href)
        if linked is None:
            return ""  # the anchor and its text (a lone </a> is ignored)
        relayed, fragment = linked
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


class Refused(ValueError):
    """A link the relay does not relay: why."""


def relay_link(secret: str, prefix: str, base: str, url: str) -> tuple[str, str, str]:
    """The relay's URL (under ``prefix``) for ``url`` as linked from
    ``base``, its ``#fragment``, and the upstream URL it stands for;
    Refused for a link the relay would not fetch."""
    url, hashmark, fragment = url.partition("#")
    try:
        # urljoin is most of a page's rewriting: an absolute URL with no dot
        # segment (PyPI's every link) is its own answer.
        if url.startswith(("https://", "http://")) and "/." not in url:
            absolute = url
        else:
            absolute = urllib.parse.urljoin(base, url)
        # As uv will ask for it: a non-ASCII link percent-encoded (signed so,
        # or the relay would refuse uv's request for it).
        absolute = ascii_url(absolute)
    except ValueError as error:  # a host urljoin or IDNA cannot read
        raise Refused(f"not a URL: {error}") from error
    if not (  # told at a glance (see the module's docstring)
        _plain_head(absolute)
        and " " not in absolute
        and "\n" not in absolute
        and "\t" not in absolute
        and "\r" not in absolute
    ):
        scheme, colons, rest = absolute.partition("://")
        if scheme.lower() in ("http", "https"):  # as the relay asks uv for it
            absolute = scheme.lower() + colons + rest
        why = unfetchable(absolute) or (None if rest.partition("/")[2] else "no path")
        if why is not None:
            raise Refused(why)
    scheme, _, rest = absolute.partition("://")
    relayed = f"{prefix}{sign(secret, absolute)}/{scheme}/{rest}"
    return relayed, f"{hashmark}{fragment}", absolute


def _plain_head(absolute: str) -> bool:
    """Whether ``absolute`` starts with a plain ``http(s)://host[:port]/``
    (see _PLAIN_LINK) and has a path after it. A page's links share a
    head or two: the last one found plain is kept, to be told by a
    ``startswith``."""
    last = _LAST_HEAD[0]
    if last and absolute.startswith(last):
        return len(absolute) > len(last)
    end = absolute.find("/", 8) + 1  # after "http(s)://" and a host
    if not 0 < end < len(absolute) or not _PLAIN_HEAD.fullmatch(absolute[:end]):
        return False
    _LAST_HEAD[0] = absolute[:end]  # racing threads at worst judge again
    return True
