"""What the index client and the relay raise, and how URLs are shown in it.

Every error names the URL it is about with any userinfo masked as ``***``.
"""

from __future__ import annotations

import urllib.parse

from accord.errors import AccordError, shorten


def redact(url: str) -> str:
    """``url`` without its credentials: ``https://***@host/...``."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def origin(url: str) -> tuple[str, str]:
    """(scheme, host[:port]): what credentials are scoped to."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.netloc.rpartition("@")[2].lower()


class IndexUnavailable(AccordError):
    """The index could not be read: network or HTTP failure after retries,
    or an answer accord will not take (too large, too slow, malformed)."""

    def __init__(self, message: str, *, url: str) -> None:
        # What a server said (a status's reason phrase, a bad status line)
        # may hold control characters: escaped, wherever this is shown; the
        # URL may hold a name from a file, megabytes long: shortened.
        super().__init__(one_line(message))
        self.url = url  # redacted


# Control characters (C0, DEL, C1) as \xNN: an index error is one line.
_ESCAPED = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_TEXT_ESCAPED = {code: shown for code, shown in _ESCAPED.items() if code not in (9, 10)}


def one_line(text: str) -> str:
    """``text`` from an index as a message shows it: control characters as
    ``\\xNN`` (a line break included), words too long shortened."""
    return shorten(text.translate(_ESCAPED))


def printable(text: str) -> str:
    """``text`` from an index (a summary, a yank reason) with its control
    characters but tabs and line feeds as ``\\xNN``: what review, audit and site
    print must carry no escape sequence to the terminal."""
    return text if text.isprintable() else text.translate(_TEXT_ESCAPED)


class RedirectRefused(Exception):
    """A redirect the transport will not follow (a loop, or to a URL that
    is not http(s)): the fetcher names the URL asked for, once, unretried.
    The message goes after that URL (``: ...`` or `` redirects to ...``)."""


class ResponseTooLarge(IndexUnavailable):
    """A body (after decompression) past its size cap: never read further."""

    def __init__(self, url: str, limit: int, what: str = "response") -> None:
        shown = redact(url)
        super().__init__(
            f"{shown}: {what} larger than {_size(limit)}; not read further",
            url=shown,
        )
        self.limit = limit


class DeadlineExceeded(IndexUnavailable):
    """A request, or a command's network work as a whole, ran out of time."""

    def __init__(self, url: str, seconds: float, what: str = "request") -> None:
        shown = redact(url)
        super().__init__(
            f"{shown}: no complete answer within the {what} of {seconds:g} s",
            url=shown,
        )
        self.seconds = seconds
        self.what = what  # "request": one request's own deadline


def _size(limit: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size:
            return f"{limit / size:g} {unit}"
    return f"{limit} bytes"
