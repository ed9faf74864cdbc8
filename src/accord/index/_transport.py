"""How a :class:`accord.index._sender.Sender` sends its requests, chosen on
the first one (a run the cache answers never imports an HTTP client): the
keep-alive pool, or urllib when the environment asks for a proxy (the pool
speaks to hosts directly).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from accord.index._pool import Pool

if TYPE_CHECKING:
    import urllib.request

__all__ = ["Pool", "transport"]


def transport(timeout: float) -> Pool | urllib.request.OpenerDirector:
    """Direct keep-alive connections unless the environment asks for a proxy."""
    if _may_name_a_proxy():
        from accord.index._proxied import proxied_opener

        opener = proxied_opener()
        if opener is not None:
            return opener
    return Pool(timeout)


def _may_name_a_proxy() -> bool:
    """Whether urllib's getproxies() may name a proxy: on Linux only a
    ``*_proxy`` variable other than ``no_proxy`` does; elsewhere the
    system's settings may."""
    if not sys.platform.startswith("linux"):
        return True
    names = (name.lower() for name in os.environ)
    return any(name.endswith("_proxy") and name != "no_proxy" for name in names)
