"""URLs of an index joined by string where that gives what ``urljoin``
gives (plain characters, the forms indexes write), else by ``urljoin``:
joining costs a large share of reading a page of thousands of files."""

from __future__ import annotations

import base64
import re
import urllib.parse

__all__ = ["absolute", "ascii_url", "join_url", "split_credentials", "unfetchable"]

# URL characters urljoin passes through unchanged (no query, parameters,
# fragment, space or control character).
_PLAIN = r"[A-Za-z0-9._~%!$&'()*+,=@-]"
_PLAIN_ABSOLUTE = re.compile(
    rf"https?://{_PLAIN}[A-Za-z0-9._~%!$&'()*+,=@:-]*(?:/{_PLAIN}*)*"
)
_PLAIN_BASE = re.compile(
    rf"https?://{_PLAIN}[A-Za-z0-9._~%!$&'()*+,=@:-]*/(?:{_PLAIN}+/)*"
)
_PLAIN_RELATIVE = re.compile(rf"{_PLAIN}+(?:/{_PLAIN}+)*/?")


def absolute(base: str, href: str) -> str:
    """``href`` resolved against ``base``, without its ``#hash`` fragment.

    pypi-simple would join with ``urljoin``, which costs about a third of
    its parsing a JSON page; the forms indexes write (an absolute
    ``http(s)://host/path`` and a relative path such as ``../../files/NAME``)
    against a plain page URL are resolved here by string, the way
    ``urljoin`` does (RFC 3986's dot segments): plain characters only,
    anything else goes to ``urljoin`` itself.
    """
    plain = href.partition("#")[0]
    if _PLAIN_ABSOLUTE.fullmatch(plain):
        return plain
    if _PLAIN_RELATIVE.fullmatch(plain) and _PLAIN_BASE.fullmatch(base):
        return _resolve(base, plain)
    return urllib.parse.urldefrag(urllib.parse.urljoin(base, href))[0]


def unfetchable(url: str) -> str | None:
    """Why accord will not ask for ``url`` (an index's link or redirect may
    name anything: ``file:``, ``javascript:``, a port past 65535), or None.

    Only http(s) URLs with a host, a port that can be, and no space or
    control character (which http.client refuses) are fetched.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError as error:  # a port out of range, a bad IPv6 address
        return "bad port" if "Port" in str(error) else "bad host"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http(s) URL"
    host = parts.hostname
    if not host:
        return "no host"
    if not _dns_name(host):
        return "bad host"
    if not port_ok:
        return "bad port"
    if _UNSAFE.search(url):
        return "a space or control character in it"
    return None


_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
_LABELS = re.compile(r"[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63})*\.?")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _dns_name(host: str) -> bool:
    """Whether ``host`` can be looked up: an IP address, or labels of 1 to
    63 characters (a non-ASCII name as its IDNA form has them)."""
    if ":" in host or _LABELS.fullmatch(host):  # IPv6, or a plain name
        return True
    if host.isascii():
        return False
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def ascii_url(url: str) -> str:
    """``url`` as it goes on the wire: a non-ASCII host in its IDNA form,
    any other non-ASCII character percent-encoded as UTF-8 (as browsers
    and pip send a link such as ``files/ü.whl``)."""
    if url.isascii():
        return url
    parts = urllib.parse.urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not hostport.isascii():
        host, colon, port = hostport.partition(":")
        hostport = host.encode("idna").decode("ascii") + colon + port
    netloc = _quoted(userinfo) + at + hostport
    rest = parts._replace(scheme="", netloc="")
    return f"{parts.scheme}://{netloc}{_quoted(urllib.parse.urlunsplit(rest))}"


def _quoted(text: str) -> str:
    return _NON_ASCII.sub(lambda m: urllib.parse.quote(m[0]), text)


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


def split_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without userinfo, and the Basic ``Authorization`` it implies."""
    if "@" not in url:  # no userinfo: the usual case, once per request
        return url, None
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
    bare = urllib.parse.urlunsplit(parts._replace(netloc=host))
    return bare, "Basic " + base64.b64encode(token.encode()).decode("ascii")
