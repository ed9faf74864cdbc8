"""Rewritten pages kept on disk from run to run, used while the index's page
is byte for byte what they were rewritten from.

Rewriting is most of the relay's CPU (a link at a time: OpenStack's list
reaches 570 pages, 100 MB, 235,000 links), and a page seldom changes
between two runs: uv asks for every page again once its copies are ten
minutes old, and many indexes give no validator to ask "changed?" with.
So the relay still fetches each page, but when the page's digest matches
the one kept, it serves the kept rewrite: a hash and a file read instead of
a pass over every link. A kept rewrite holds the relay's URLs (its port and
secret), so it is used only by a relay at the same address; the directory
is as private as the secret (0700, in the user's cache). Rewrites not used
for a long time are pruned (see :mod:`accord.index._prune`), at most daily,
when one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from accord.index._prune import prune_daily

# (distribution-version, platform) -> {python tag: upstream URL}
PerPython = dict[tuple[str, str], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Kept:
    body: bytes
    content_type: str
    per_python: PerPython
    dropped: dict[str, str]  # the links the rewrite left out, and why


class PageStore:
    def __init__(self, directory: Path, base: str) -> None:
        self.directory = directory
        self.base = base
        self._pruned = False

    def _path(self, upstream: str) -> Path:
        name = hashlib.sha256(upstream.encode()).hexdigest()
        return self.directory / name[:2] / name

    def has(self, upstream: str) -> bool:
        """Whether a rewrite of ``upstream`` is kept (of whichever page)."""
        return self._path(upstream).is_file()

    def get(self, upstream: str, source: str) -> Kept | None:
        """The kept rewrite of ``upstream`` if made from the page whose
        :func:`digest` is ``source`` by a relay at this address; None
        otherwise (or if unreadable)."""
        try:
            data = self._path(upstream).read_bytes()
            header, _, body = data.partition(b"\n")
            meta = json.loads(header)
            if meta["source"] != source or meta["base"] != self.base:
                return None
            per_python = {
                (release, platform): dict(tags)
                for release, platform, tags in meta["per_python"]
            }
            # Kept by an accord that dropped no link (no "dropped"): its
            # rewrite may hold one the relay refuses, so it is made again.
            dropped = {str(link): str(why) for link, why in meta["dropped"].items()}
            return Kept(body, str(meta["content_type"]), per_python, dropped)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(
        self,
        upstream: str,
        source: str,
        body: bytes,
        content_type: str,
        per_python: PerPython,
        dropped: Mapping[str, str] | None = None,
    ) -> None:
        """Keep the rewrite; a failure to write only costs the next run."""
        header = json.dumps(
            {
                "source": source,
                "base": self.base,
                "content_type": content_type,
                "per_python": [[*key, tags] for key, tags in per_python.items()],
                "dropped": dict(dropped or {}),
            }
        ).encode()
        path = self._path(upstream)
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.directory.chmod(0o700)
            unique = f"{os.getpid()}.{threading.get_ident()}"
            temporary = path.with_name(f".{path.name}.{unique}.tmp")
            try:
                with temporary.open("wb") as stream:
                    stream.write(header + b"\n" + body)
                temporary.replace(path)
            finally:
                temporary.unlink(missing_ok=True)
        if not self._pruned:  # once per store, and daily at most
            self._pruned = True
            prune_daily(self.directory)


def digest(source: bytes) -> str:
    """The index page's digest: what a kept rewrite is made from (and the
    relay's ETag for it, see ._relay)."""
    return hashlib.blake2b(source, digest_size=16).hexdigest()
