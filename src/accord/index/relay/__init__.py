"""A local relay between uv and the package index, for one run of accord.

uv asks the index for each page and each wheel's metadata as its resolution
reaches them. Against an index that sends no caching headers (devpi, Nexus
and many mirrors do not) uv revalidates every page on every run; where the
index does not advertise PEP 658 metadata it reads each wheel's METADATA
with several range requests; and the second Python of a run asks for all of
it again, because uv cannot be told to trust its cache
(astral-sh/uv#10444). The relay, on 127.0.0.1, answers uv instead (see
:class:`Relay`); who may ask it for what is in :mod:`._guard`.
"""

from __future__ import annotations

from accord.index.relay._errors import RelayError
from accord.index.relay._relay import Relay
from accord.index.relay._reply import FILE_CACHE, PAGE_CACHE, Reply

__all__ = ["FILE_CACHE", "PAGE_CACHE", "Relay", "RelayError", "Reply"]
