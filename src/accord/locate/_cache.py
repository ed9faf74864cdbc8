"""Where accord's cache of remote requirements repos lives, apart from
:mod:`accord.locate.gitcache` so that asking "is this a cached checkout?"
(every fleet command does) imports no git, hashing or copying."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/accord/requirements``, else ``~/.cache/accord/...``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "accord" / "requirements"


def is_cached(path: Path) -> bool:
    """Whether ``path`` is a checkout this module manages."""
    try:
        return path.resolve().parent == cache_root().resolve()
    except OSError:
        return False
