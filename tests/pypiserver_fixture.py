"""A real package index on loopback: pypiserver, started and stopped by the
test (uploads open to anyone, overwriting refused, as pypiserver does)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def pypiserver(tmp_path: Path) -> Iterator[str]:
    """The index's root URL (uploads go there; /simple/ serves it)."""
    if shutil.which("pypi-server") is None and not _has_module():
        pytest.skip("pypiserver is not installed (pip install pypiserver)")
    packages = tmp_path / "index-packages"
    packages.mkdir()
    port = _free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1"]
    command += ["-p", str(port), "-a", ".", "-P", ".", str(packages)]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "simple/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _has_module() -> bool:
    import importlib.util

    return importlib.util.find_spec("pypiserver") is not None
