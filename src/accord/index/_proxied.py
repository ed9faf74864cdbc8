"""urllib's opener, for a :class:`accord.index._http.Fetcher` whose
environment asks for a proxy (imported only then: urllib.request takes
~10 ms to import, longer than a warm audit's cache reads)."""

from __future__ import annotations

import urllib.request
from typing import IO, TYPE_CHECKING

from accord.index._errors import RedirectRefused, origin, redact
from accord.index._urls import unfetchable

if TYPE_CHECKING:
    import http.client

__all__ = ["proxied_opener"]


class _SameHostAuthRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but sends credentials only to the origin they were
    for (scheme, host and port: never to plain http)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        why = unfetchable(newurl)
        if why is not None:  # urllib itself would follow ftp: and file:
            raise RedirectRefused(f" redirects to {redact(newurl)}: {why}")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and origin(new.full_url) != origin(req.full_url):
            new.remove_header("Authorization")
        return new


def proxied_opener() -> urllib.request.OpenerDirector | None:
    """urllib's opener if the environment names a proxy, else None.
    (``no_proxy`` alone, which getproxies() also reports, names none.)"""
    if set(urllib.request.getproxies()) - {"no"}:
        return urllib.request.build_opener(_SameHostAuthRedirects)
    return None
