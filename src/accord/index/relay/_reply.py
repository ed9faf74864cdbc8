"""What the relay answers uv: a :class:`Reply`, and the answers it gives
without asking the index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.index.relay._download import Download

PAGE_CACHE = "max-age=600"  # what PyPI says of its pages
FILE_CACHE = "max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/octet-stream"
    cache_control: str = FILE_CACHE
    etag: str | None = None  # a page's: see Relay._fetch_page
    # A page held without its body, which the page store keeps: (index
    # page URL, its digest). See Relay.full.
    kept: tuple[str, str] | None = None
    # A file passed on as it downloads (then ``body`` is empty).
    stream: Download | None = None


def bad_gateway(error: Exception) -> Reply:
    """The index could not be relayed: why, never kept by uv."""
    return Reply(502, f"{error}\n".encode(), "text/plain", "no-store")


NOT_FOUND = Reply(404, b"not found\n", "text/plain", PAGE_CACHE)
FILE_NOT_FOUND = Reply(404, b"not found\n", "text/plain", "no-store")
# What the relay refuses must not stick in uv's cache.
REFUSED = Reply(403, b"not relayed\n", "text/plain", "no-store")
