"""Where the relay listens: one address per user and index, run after run.

uv keys its cache by the index URL, and the relay's URL is uv's index URL:
a new port or path would start uv's cache afresh (a warm ``--refresh`` of
OpenStack's list goes from seconds to 38 s). So the path holds the user's
stable secret (:func:`._guard.load_secret`) and the port is derived from
the secret and the indexes: three candidates, the same every run.

A second accord run of the same user for the same indexes finds the port
taken by the first run's relay. It does not move elsewhere:

- it asks the port ``/hello/<nonce>`` (no secret sent: the port may belong
  to someone else) and expects a MAC of the nonce, the port and the indexes
  under the secret (:func:`._guard.hello_proof`), which only this user's
  relay for these indexes can give;
- given it, it uses that relay, holding a shared lock on the address's
  lease file; the owner, done, says it is closing (``/hello`` answers 503)
  and waits for every shared lock before it stops serving;
- told the relay is closing, it waits (saying so) and takes the port when
  it is free.

A port held by anything else (another user's relay, another program) is
passed over for the next candidate; if all are, any free port, said out
loud. Within one process a relay shares its port the same way, counted
rather than locked.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from accord.index.relay._guard import hello_proof
from accord.index.relay._server import RelayServer

if TYPE_CHECKING:
    from accord.index.relay._relay import Relay

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no leases, ports only
    fcntl = None  # type: ignore[assignment]

_PORT_RANGE = (30000, 60000)
_CANDIDATES = 3
_POLL = 0.1
_WAIT_AT_MOST = 600.0  # then a fresh port rather than hang on a stuck run
_REFUSED_AT_MOST = 2.0  # a port bound by no listener that long is not a relay's
Notice = Callable[[str], None]


def candidate_ports(secret: str, upstreams: Sequence[str]) -> list[int]:
    """The ports this user's relay for ``upstreams`` tries, in order."""
    digest = hashlib.sha256("\n".join([secret, *upstreams]).encode()).digest()
    low, high = _PORT_RANGE
    return [
        low + int.from_bytes(digest[i : i + 4], "big") % (high - low)
        for i in range(0, 4 * _CANDIDATES, 4)
    ]


@dataclass(slots=True)
class _Owned:
    """A server this process runs, and how many of its relays use it."""

    server: RelayServer
    lease: Path | None
    users: int = 1
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()


_OWNED: dict[int, _Owned] = {}
_OWNED_LOCK = threading.Lock()


class Address:
    """The port a relay answers on, until :meth:`close`: its own server,
    one this process already runs, or another run's (then ``lease`` is the
    shared lock that keeps it open)."""

    def __init__(self, port: int, owned: _Owned | None, lease: int | None) -> None:
        self.port = port
        self._owned = owned
        self._lease = lease

    @property
    def shared(self) -> bool:
        """True when another accord run serves this address."""
        return self._lease is not None

    def close(self, notice: Notice) -> None:
        if self._lease is not None:
            os.close(self._lease)  # releases the shared lock
            self._lease = None
        owned, self._owned = self._owned, None
        if owned is None:
            return
        with _OWNED_LOCK:
            owned.users -= 1
            if owned.users:
                return
            owned.server.closing = True  # no new runs join from here on
        if owned.lease is not None:
            _wait_for_users(owned.lease, notice)
        owned.server.shutdown()
        owned.server.server_close()
        with _OWNED_LOCK:
            _OWNED.pop(self.port, None)


def claim(
    relay: Relay,
    upstreams: Sequence[str],
    directory: Path,
    notice: Notice,
) -> Address:
    """The relay's address: see the module's docstring."""
    secret = relay.secret
    ports = candidate_ports(secret, upstreams)
    for port in ports:
        address = _claim_port(relay, port, upstreams, directory, notice)
        if address is not None:
            return address
    server = RelayServer(("127.0.0.1", 0), relay)
    port = server.server_address[1]
    notice(
        f"ports {', '.join(map(str, ports))} on 127.0.0.1 are taken by other "
        f"programs; the relay uses port {port}, so uv's cache of this index "
        "starts afresh"
    )
    return _own(server, None)


def _claim_port(
    relay: Relay,
    port: int,
    upstreams: Sequence[str],
    directory: Path,
    notice: Notice,
) -> Address | None:
    """``port`` taken or shared; None if it belongs to something else."""
    lease = directory / f"relay-{port}.lease"
    deadline = time.monotonic() + _WAIT_AT_MOST
    refused_until = time.monotonic() + _REFUSED_AT_MOST
    told = False
    while True:
        answer = "closing"
        with _OWNED_LOCK:
            owned = _OWNED.get(port)
            if owned is not None:
                server = owned.server
                if server.relay.secret != relay.secret or server.relay.upstreams != (
                    tuple(upstreams)
                ):
                    return None
                if not server.closing:
                    owned.users += 1
                    return Address(port, owned, None)
        if owned is None:
            try:
                server = RelayServer(("127.0.0.1", port), relay)
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    return None
            else:
                return _own(server, lease if fcntl is not None else None)
            answer, handle = _join(port, relay.secret, upstreams, lease)
            if answer == "ours":
                return Address(port, None, handle)
            if answer == "foreign":
                return None
            if answer == "refused" and time.monotonic() > refused_until:
                # Bound but not listening, for longer than a relay takes to
                # close: a socket of another program (a client connection's
                # own port is one), not a relay.
                return None
        # Closing (or just closed): wait for the port to come free.
        if time.monotonic() > deadline:
            return None
        if not told and answer == "closing":  # a refusal may not be a relay
            notice(
                f"waiting for another accord run to close its relay on "
                f"127.0.0.1:{port} (kept so uv's cache of this index stays valid)"
            )
            told = True
        time.sleep(_POLL)


def _own(server: RelayServer, lease: Path | None) -> Address:
    owned = _Owned(server, lease)
    with _OWNED_LOCK:
        _OWNED[server.server_address[1]] = owned
    return Address(server.server_address[1], owned, None)


def _join(
    port: int, secret: str, upstreams: Sequence[str], lease: Path
) -> tuple[str, int | None]:
    """Whether ``port`` is this user's live relay for ``upstreams``:
    ("ours", the lease's descriptor, locked shared), ("closing", None) or
    ("foreign", None)."""
    if fcntl is None:  # pragma: no cover - no leases: never share
        return "foreign", None
    try:
        lease.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = os.open(lease, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return "foreign", None
    # Locked before asking: an owner that has not said "closing" by the
    # time it answers waits for this lock before it stops.
    fcntl.flock(handle, fcntl.LOCK_SH)
    answer = _hello(port, secret, upstreams)
    if answer != "ours":
        os.close(handle)
        return answer, None
    return answer, handle


def _hello(port: int, secret: str, upstreams: Sequence[str]) -> str:
    nonce = secrets.token_hex(16)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", f"/hello/{nonce}")
        response = connection.getresponse()
        body = response.read(256).decode("ascii", "replace").strip()
    except ConnectionRefusedError:
        # Gone between our bind and our hello (retry the bind), or a socket
        # that is bound without listening (see _claim_port).
        return "refused"
    except (OSError, http.client.HTTPException):
        return "foreign"
    finally:
        connection.close()
    if response.status == 503 and body == "closing":
        return "closing"
    expected = hello_proof(secret, port, upstreams, nonce)
    return "ours" if response.status == 200 and body == expected else "foreign"


def _wait_for_users(lease: Path, notice: Notice) -> None:
    """Block until no other run holds ``lease`` shared."""
    assert fcntl is not None
    try:
        handle = os.open(lease, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return
    with contextlib.closing(_Descriptor(handle)):
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            notice("keeping the relay open until another accord run using it is done")
            fcntl.flock(handle, fcntl.LOCK_EX)


@dataclass(frozen=True, slots=True)
class _Descriptor:
    handle: int

    def close(self) -> None:
        os.close(self.handle)
