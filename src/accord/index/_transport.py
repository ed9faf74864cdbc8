"""How a :class:`accord.index._http.Fetcher` sends its requests, chosen on
the first one (a run the cache answers never imports an HTTP client): the
keep-alive pool, or urllib when the environment asks for a proxy (the pool
speaks to hosts directly).
"""

from __future__ import annotations

import urllib.request
from typing import IO, TYPE_CHECKING

from accord.index._errors import origin
from accord.index._pool import Pool

if TYPE_CHECKING:
    import http.client

__all__ = ["Pool", "transport"]


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
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and origin(new.full_url) != origin(req.full_url):
            new.remove_header("Authorization")
        return new


def transport(timeout: float) -> Pool | urllib.request.OpenerDirector:
    """Direct keep-alive connections unless the environment asks for a proxy.
    (``no_proxy`` alone, which getproxies() also reports, asks for none.)"""
    if set(urllib.request.getproxies()) - {"no"}:
        return urllib.request.build_opener(_SameHostAuthRedirects)
    return Pool(timeout)
