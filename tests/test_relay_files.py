"""The relay passes a file on to uv as it downloads, capped, and never a
short one as if whole.

Each index here is a raw local server (tests/hostileserver.py) that sends a
file as the test scripts it: no network, no timing thresholds (the index
sends the rest of a file only once the test has seen its start).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from accord.index._http import Fetcher
from accord.index.relay import Relay

from .hostileserver import Answer, head, serve

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
FILE = "/files/alpha-1.0.tar.gz"
FIRST = os.urandom(100_000)
REST = os.urandom(300_000)
WHOLE = FIRST + REST


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The relay's key file under the test's directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def index(file: Callable[[], Iterable[bytes | float]]) -> Answer:
    """An index whose one page links one sdist, answered by ``file``."""
    digest = hashlib.sha256(WHOLE).hexdigest()

    def answer(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
        if path == "/simple/alpha/":
            entry = {
                "filename": "alpha-1.0.tar.gz",
                "url": "../../files/alpha-1.0.tar.gz",
                "hashes": {"sha256": digest},
            }
            body = json.dumps({"meta": {"api-version": "1.1"}, "files": [entry]})
            yield head(200, len(body), Content_Type=JSON_TYPE) + body.encode()
        elif path == FILE:
            yield from file()
        else:
            yield head(404, 0)

    return answer


def link(relay: Relay) -> str:
    url: str = json.loads(relay.page(0, "alpha").body)["files"][0]["url"]
    return url


def in_two_parts(declared: bool, more: threading.Event) -> Iterator[bytes | float]:
    """FIRST, then REST only once the test says so (else the answer ends:
    a relay that waited for the whole file would pass on a broken one)."""
    length = len(WHOLE) if declared else None
    yield head(200, length, Content_Type="application/octet-stream") + FIRST
    if more.wait(20):
        yield REST


@pytest.mark.parametrize("through", ["pool", "proxy"])
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "unknown"])
def test_a_file_reaches_the_client_as_it_downloads(
    declared: bool, through: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if through == "proxy":  # urllib's opener, as when a proxy is set
        from accord.index import _proxied, _transport

        opener = urllib.request.build_opener(_proxied._SameHostAuthRedirects)
        monkeypatch.setattr(_transport, "_may_name_a_proxy", lambda: True)
        monkeypatch.setattr(_proxied, "proxied_opener", lambda: opener)
    more = threading.Event()
    with (
        serve(index(lambda: in_two_parts(declared, more))) as server,
        Relay([server.url + "simple/"], Fetcher(None, 60, 0)) as relay,
        urllib.request.urlopen(link(relay), timeout=60) as reply,
    ):
        # The index has sent only the first part: it reached the client.
        assert reply.read(len(FIRST)) == FIRST
        assert not more.is_set()
        more.set()
        whole = FIRST + reply.read()
        length = reply.headers["Content-Length"]
        encoding = reply.headers["Transfer-Encoding"]
    assert hashlib.sha256(whole).digest() == hashlib.sha256(WHOLE).digest()
    # Its length when the index declared one; else chunked, whose end says
    # it is whole (a body ended by closing could be cut short unnoticed).
    if declared:
        assert (length, encoding) == (str(len(WHOLE)), None)
    else:
        assert (length, encoding) == (None, "chunked")


def test_clients_asking_at_once_read_one_download() -> None:
    more = threading.Event()
    with (
        serve(index(lambda: in_two_parts(True, more))) as server,
        Relay([server.url + "simple/"], Fetcher(None, 60, 0)) as relay,
    ):
        url = link(relay)
        replies = [urllib.request.urlopen(url, timeout=60) for _ in range(3)]
        try:
            assert all(reply.read(len(FIRST)) == FIRST for reply in replies)
            more.set()
            with ThreadPoolExecutor(3) as pool:
                rests = list(pool.map(lambda reply: reply.read(), replies))
        finally:
            for reply in replies:
                reply.close()
        # A file under 1 MiB is kept for the run once whole, as before.
        with urllib.request.urlopen(url, timeout=60) as reply:
            assert reply.read() == WHOLE
            assert reply.headers["Content-Length"] == str(len(WHOLE))
    assert rests == [REST] * 3
    assert server.paths.count(FILE) == 1


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "unknown"])
def test_a_file_over_the_cap_fails_for_the_client(
    declared: bool, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from accord.index.relay import _relay

    monkeypatch.setattr(_relay, "FILE_BYTES", 256 << 10)

    def file() -> Iterator[bytes]:
        yield head(200, len(WHOLE) if declared else None) + WHOLE

    with (
        serve(index(file)) as server,
        Relay([server.url + "simple/"], Fetcher(None, 60, 0)) as relay,
    ):
        url = link(relay)
        if declared:  # refused before a byte of it: a 502
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(url, timeout=60)
            assert refused.value.code == 502
            said = refused.value.read().decode()
            assert said.endswith("response larger than 256 KiB; not read further\n")
        else:  # passed on up to the cap, then cut off before its end
            with (
                urllib.request.urlopen(url, timeout=60) as reply,
                pytest.raises(http.client.IncompleteRead),
            ):
                reply.read()
            assert "the relay cut off the download of" in capfd.readouterr().err
        # Asked again, it is refused at once: not downloaded again.
        with pytest.raises(urllib.error.HTTPError) as again:
            urllib.request.urlopen(url, timeout=60)
        assert again.value.code == 502
    assert server.paths.count(FILE) == 1


def test_a_download_that_breaks_off_fails_for_the_client_and_is_tried_again() -> None:
    answers = iter([FIRST, WHOLE])  # the first answer ends early

    def file() -> Iterator[bytes]:
        yield head(200, len(WHOLE)) + next(answers)

    with (
        serve(index(file)) as server,
        Relay([server.url + "simple/"], Fetcher(None, 60, 0)) as relay,
    ):
        url = link(relay)
        with (
            urllib.request.urlopen(url, timeout=60) as reply,
            pytest.raises(http.client.IncompleteRead),
        ):
            reply.read()
        # uv tries again: the relay downloads the file again.
        with urllib.request.urlopen(url, timeout=60) as reply:
            assert reply.read() == WHOLE
    assert server.paths.count(FILE) == 2


def test_uv_installs_a_file_passed_on_chunked_and_refuses_one_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import subprocess
    import sys
    import zipfile

    from accord.index.relay import _relay

    from .indexserver import Release, _metadata, _wheel

    small = _wheel("alpha-1.0", _metadata("alpha", Release("1.0"), {}, None))
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(small)) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("alpha/data.bin", os.urandom(400_000))  # stored, 400 kB
    wheels = {"1.0": small, "2.0": buffer.getvalue()}

    def answer(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
        if path == "/simple/alpha/":
            files = [
                # No hash: only the cut connection can tell uv the file is short.
                {
                    "filename": f"alpha-{v}-py3-none-any.whl",
                    "url": f"/f/{v}.whl",
                    "hashes": {},
                }
                for v in wheels
            ]
            body = json.dumps({"meta": {"api-version": "1.1"}, "files": files})
            yield head(200, len(body), Content_Type=JSON_TYPE) + body.encode()
        elif path.startswith("/f/") and path.endswith(".whl"):
            yield head(200) + wheels[path[3:-4]]  # no length: ended by closing
        else:
            yield head(404, 0)

    monkeypatch.setattr(_relay, "FILE_BYTES", 256 << 10)
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    with (
        serve(answer) as server,
        Relay([server.url + "simple/"], Fetcher(None, 60, 0)) as relay,
    ):
        runs = {}
        for version in wheels:
            target = tmp_path / version
            runs[version] = subprocess.run(
                ["uv", "pip", "install", "--target", str(target), "--python",
                 sys.executable, f"alpha=={version}"],
                env={**os.environ, **relay.uv_environment()},
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
    assert runs["1.0"].returncode == 0, runs["1.0"].stderr
    assert (tmp_path / "1.0" / "alpha-1.0.dist-info" / "METADATA").is_file()
    assert runs["2.0"].returncode != 0
    # The cut answer (uv may ask again: then the relay's 502 says why).
    assert "Failed to download `alpha==2.0`" in runs["2.0"].stderr
    assert not (tmp_path / "2.0" / "alpha").exists()
