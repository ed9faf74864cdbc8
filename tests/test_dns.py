"""Connections opened at once look their host up once (accord.index._dns)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from accord.index import _dns
from accord.index._http import Fetcher

from .indexserver import OkHandler


def test_a_burst_of_connections_asks_the_resolver_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OkHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    asked: list[str] = []
    real = socket.getaddrinfo

    def slow_lookup(host: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(host)
        time.sleep(0.2)  # a resolver slow to answer: the others must wait
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    monkeypatch.setattr(_dns, "_answers", {})
    fetcher = Fetcher(None, timeout=10.0, retries=0)
    try:
        with ThreadPoolExecutor(16) as pool:
            bodies = list(
                pool.map(
                    lambda n: fetcher.get(f"http://localhost:{port}/{n}", "*/*"),
                    range(16),
                )
            )
    finally:
        server.shutdown()
        server.server_close()
    assert [b.body if b else None for b in bodies] == [b"ok"] * 16
    assert asked == ["localhost"]
