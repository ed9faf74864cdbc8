"""Who may use the relay, and for which URLs.

The relay listens on 127.0.0.1, which every local user (and any web page the
user's browser runs) can reach, and it adds the index's credentials to what
it fetches. So it answers only requests that carry its secret as the first
segment of the path, and fetches only:

- project pages under a configured index's URL (a project name, no dots
  climbing out of it), and
- files whose relay link it made itself while rewriting such a page: each
  link carries an HMAC of the upstream URL under the secret, so a link
  cannot be forged for another path or host.

The secret is per user and stable (a 0600 file in accord's cache
directory), so the relay's URLs, and with them uv's cache keys, stay the
same from run to run; it never appears on a command line (uv gets it in its
environment, which other users cannot read).

One path needs no secret: ``/hello/<nonce>``, which another accord run asks
before it uses a relay it found on its port (see :mod:`._address`). The
answer is a MAC of the nonce, the port and the indexes under the secret:
it proves the relay is this user's for these indexes, and gives nothing a
client without the secret can use.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

from accord.errors import AccordError

KEY_FILE = "relay-key"
_MAC_BYTES = 12  # 96 bits, 24 hex digits
_SECRET = re.compile(r"[A-Za-z0-9_-]{32,128}")
# A project name as the simple API spells it (PEP 503 normalises to this).
_PROJECT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


class RelayKeyError(AccordError):
    """The relay's key file cannot be read or written safely."""


def default_key_dir() -> Path:
    """``$XDG_CACHE_HOME/accord``, else ``~/.cache/accord``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "accord"


def load_secret(directory: Path | None = None) -> str:
    """This user's relay secret, made on first use.

    A key file that another user owns or that others may read is not
    trusted: a new secret replaces it.
    """
    path = (directory or default_key_dir()) / KEY_FILE
    with contextlib.suppress(OSError):
        text = _read_private(path)
        if text is not None and _SECRET.fullmatch(text):
            return text
    secret = secrets.token_urlsafe(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w") as stream:
            stream.write(secret)
        temporary.replace(path)
    except OSError as error:
        raise RelayKeyError(f"cannot write the relay key {path}: {error}") from error
    return secret


def _read_private(path: Path) -> str | None:
    """The file's text if only its owner, this user, can read it."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle) as stream:
        status = os.fstat(stream.fileno())
        if hasattr(os, "getuid") and (
            status.st_uid != os.getuid()
            or status.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        ):
            return None
        return stream.read(256).strip()


def same_secret(given: str, secret: str) -> bool:
    return hmac.compare_digest(given.encode(), secret.encode())


def sign(secret: str, url: str) -> str:
    """The MAC a relay file link carries for upstream ``url``."""
    # BLAKE2's keyed mode is a MAC in one pass (HMAC takes two and a key
    # set-up): a page may list twenty thousand files.
    mac = hashlib.blake2b(url.encode(), key=_key(secret), digest_size=_MAC_BYTES)
    return mac.hexdigest()


def sign_bytes(secret: str, url: bytes) -> bytes:
    """:func:`sign` of an ASCII ``url`` given as bytes (a page's own)."""
    return (
        hashlib.blake2b(url, key=_key(secret), digest_size=_MAC_BYTES)
        .hexdigest()
        .encode()
    )


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def signed(secret: str, url: str, mac: str) -> bool:
    return hmac.compare_digest(sign(secret, url), mac)


def relayed_upstream(secret: str, path: str) -> str | None:
    """The index URL behind relay ``path`` (``/f/<mac>/<scheme>/<host>/...``),
    or None if not relayed: only a link the relay signed (or its
    ``.metadata``), on http(s)."""
    if not path.startswith("/f/"):
        return None
    mac, _, rest = path.removeprefix("/f/").partition("/")
    scheme, _, rest = rest.partition("/")
    netloc, _, tail = rest.partition("/")
    if scheme not in ("http", "https") or not netloc or not tail:
        return None
    upstream = f"{scheme}://{netloc}/{tail}"
    if signed(secret, upstream, mac):
        return upstream
    wheel = upstream.removesuffix(".metadata")
    if wheel.endswith(".whl") and signed(secret, wheel, mac):
        return upstream
    return None


def is_project_name(name: str) -> bool:
    return _PROJECT.fullmatch(name) is not None


def hello_proof(secret: str, port: int, upstreams: Sequence[str], nonce: str) -> str:
    """What this user's relay for ``upstreams`` on ``port`` answers to
    ``/hello/<nonce>``: bound to the port, so a program on another port
    cannot pass on the answer of a relay it reached."""
    text = "\n".join(["accord-relay-hello", str(port), nonce, *upstreams])
    return hashlib.blake2b(text.encode(), key=_key(secret), digest_size=16).hexdigest()
