"""A requirements repo named by a git URL: ``git+https://host/org/repo@ref``.

Parsed once at the edge into :class:`RemoteRepo`; its ``str`` is the form
messages show, with any user information in the URL masked.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from dataclasses import dataclass

from accord.errors import InputError
from accord.masking import mask_credentials as mask
from accord.vcs.hardening import ALLOWED_PROTOCOLS

# What git may fetch from (the hardened runner's transports): no ext::, fd::
# or other transport helpers.
SCHEMES = frozenset(ALLOWED_PROTOCOLS)

# A branch, tag or commit: no option-like start, no spaces, no "..", no "@{".
_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+-]*")
_FULL_SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True, slots=True)
class RemoteRepo:
    """A git remote to fetch, and the branch, tag or commit to check against."""

    url: str  # what git fetches: no ``git+``, no ``@ref``
    ref: str | None  # None: the remote's default branch

    def __str__(self) -> str:
        return mask(self.url if self.ref is None else f"{self.url}@{self.ref}")

    @property
    def key(self) -> str:
        """The name of its directory in the cache: a hash, never the URL."""
        spec = f"{self.url}@{self.ref or ''}"
        return hashlib.sha256(spec.encode()).hexdigest()[:24]

    @property
    def pinned(self) -> bool:
        """Whether the ref is a full commit id: its content never moves."""
        return self.ref is not None and _FULL_SHA.fullmatch(self.ref) is not None


def parse_remote(text: str) -> RemoteRepo:
    """``git+SCHEME://...[@REF]`` or ``file://...[@REF]``, checked.

    Raises :class:`InputError` for a scheme git should not run or a ref that
    is not a plain branch, tag or commit name.
    """
    try:
        text.encode()
    except UnicodeEncodeError:  # bytes a file system name may hold, not a URL
        raise InputError(
            f"requirements repo {mask(text)!r} is not valid UTF-8"
        ) from None
    rest = text[len("git+") :] if text.startswith("git+") else text
    try:
        parts = urllib.parse.urlsplit(rest)
    except ValueError as error:
        raise InputError(f"requirements repo {mask(text)!r}: {error}") from None
    if parts.scheme.lower() not in SCHEMES or not (parts.netloc or parts.path):
        raise InputError(
            f"requirements repo {mask(text)!r} is not a git URL this accord fetches",
            hint="use git+https://, git+ssh://, git+file:// or file://, "
            "optionally with @REF",
        )
    path, ref = parts.path, None
    if "@" in path:
        path, _, ref = path.rpartition("@")
        if not _REF.fullmatch(ref) or ".." in ref or ref.endswith((".", "/", ".lock")):
            raise InputError(
                f"requirements repo {mask(text)!r}: {ref!r} is not a branch, tag "
                "or commit name"
            )
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
    return RemoteRepo(url, ref)
