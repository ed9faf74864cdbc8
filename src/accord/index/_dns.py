"""Each host's addresses looked up once, however many connections open at once.

A cold resolution opens dozens of connections to the index and its files
host within a second. Each would ask the resolver for the same names, and
resolvers that drop some of a burst of queries (container DNS, conntrack
races) answer those only after their five-second retry: measured here, 16
of 40 concurrent lookups of one name took 5 s, stalling uv behind them. A
lookup is shared (concurrent askers wait for the one in flight) and kept
for a few minutes; a failed one is not kept.
"""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import Future
from typing import Any

_KEEP = 300.0  # seconds an answer is used: a command's length, not a day's

Addresses = list[tuple[socket.AddressFamily, socket.SocketKind, int, str, Any]]

_lock = threading.Lock()
_answers: dict[tuple[str, int], tuple[float, Future[Addresses]]] = {}


def addresses(host: str, port: int) -> Addresses:
    """``getaddrinfo(host, port)`` for TCP, shared and kept (see above)."""
    key = (host, port)
    now = time.monotonic()
    with _lock:
        kept = _answers.get(key)
        mine = kept is None or kept[0] < now
        if mine:
            kept = _answers[key] = (now + _KEEP, Future())
    assert kept is not None
    answer = kept[1]
    if mine:
        try:
            answer.set_result(
                list(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
            )
        except BaseException as error:
            with _lock:
                if _answers.get(key) is kept:
                    del _answers[key]
            answer.set_exception(error)
            raise
    return answer.result()


def create_connection(
    address: tuple[str, int],
    timeout: object = None,
    source_address: tuple[str, int] | None = None,
) -> socket.socket:
    """:func:`socket.create_connection`, with the addresses from
    :func:`addresses`: each tried in turn, the last error raised."""
    host, port = address
    error: OSError | None = None
    for family, kind, protocol, _, where in addresses(host, port):
        sock = socket.socket(family, kind, protocol)
        try:
            if timeout is None or isinstance(timeout, (int, float)):
                sock.settimeout(timeout)  # else http.client's "the default"
            if source_address is not None:
                sock.bind(source_address)
            sock.connect(where)
            return sock
        except OSError as failed:
            sock.close()
            error = failed
    raise error or OSError(f"no address for {host}")
