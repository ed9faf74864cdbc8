"""A hostile index cannot exhaust memory or hang accord (issue 12).

Each server here misbehaves on purpose (tests/hostileserver.py): it trickles,
sends without end, compresses a bomb or nests JSON deeper than any index.
"""

from __future__ import annotations

import json
import resource
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.cli import main
from accord.index._errors import DeadlineExceeded, IndexUnavailable, ResponseTooLarge
from accord.index._http import Fetcher
from accord.index._limits import JSON_DEPTH, PAGE_BYTES, depth, loads
from accord.index.client import IndexClient

from .hostileserver import Answer, head, serve, zip_bomb
from .indexserver import Release, TestIndex, index_fixture  # noqa: F401

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
MB = 1 << 20


def trickle(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
    """Headers at once, then one byte a tenth of a second, forever."""
    yield head(200, 10**6, Content_Type=JSON_TYPE)
    while True:
        yield b" "
        yield 0.1


def trickle_headers(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
    for byte in head(200, 2, Content_Type=JSON_TYPE):
        yield bytes([byte])
        yield 0.1


def endless(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
    """A page that never ends (no Content-Length)."""
    yield head(200, None, Content_Type=JSON_TYPE)
    yield b'{"meta": {"api-version": "1.0"}, "files": ['
    chunk = b'{"filename": "x-1.0.tar.gz", "url": "x-1.0.tar.gz"}, ' * 1000
    while True:
        yield chunk


def gzip_of(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MB)
    return b"".join(packer.compress(zeros) for _ in range(size // MB)) + packer.flush()


BOMB = gzip_of(PAGE_BYTES + 64 * MB)  # about 190 kB on the wire


def bomb(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
    yield head(200, len(BOMB), Content_Type=JSON_TYPE, Content_Encoding="gzip")
    yield BOMB


def deep(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
    body = b'{"meta": {"api-version": "1.0"}, "files": ' + b"[" * 100_000
    yield head(200, len(body), Content_Type="application/json")
    yield body


def client(url: str, tmp_path: Path) -> IndexClient:
    return IndexClient(url + "simple/", url + "pypi/", cache_dir=tmp_path, retries=0)


@pytest.mark.parametrize("answer", [trickle, trickle_headers], ids=["body", "headers"])
def test_a_trickling_server_is_cut_off_at_the_deadline(answer: Answer) -> None:
    with serve(answer) as server:
        fetcher = Fetcher(None, timeout=5, retries=2, request_seconds=1.0)
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded) as caught:
            fetcher.get(server.url + "simple/alpha/", JSON_TYPE)
        elapsed = time.monotonic() - started
    assert elapsed < 2.5  # not the 5 s read timeout, nor a retry
    assert str(caught.value) == (
        f"{server.url}simple/alpha/: no complete answer within the request of 1 s"
    )
    assert len(server.paths) == 1  # a deadline is not retried


def test_an_endless_page_stops_at_the_cap(tmp_path: Path) -> None:
    with serve(endless) as server:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with pytest.raises(ResponseTooLarge) as caught:
            client(server.url, tmp_path).project("alpha")
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert str(caught.value) == (
        f"{server.url}simple/alpha/: response larger than 128 MiB; not read further"
    )
    assert grown * 1024 < 2 * PAGE_BYTES  # ru_maxrss is in kB on Linux


def test_a_declared_length_over_the_cap_is_not_read(tmp_path: Path) -> None:
    def huge(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
        yield head(200, 3 << 30, Content_Type=JSON_TYPE)  # a 3 GB page
        yield b"{" * MB

    with serve(huge) as server:
        fetcher = Fetcher(None, timeout=5, retries=0)
        with pytest.raises(ResponseTooLarge, match="larger than 1 MiB"):
            fetcher.get(server.url + "simple/alpha/", JSON_TYPE, limit=MB)


def test_a_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    with serve(bomb) as server, pytest.raises(ResponseTooLarge) as caught:
        client(server.url, tmp_path).project("alpha")
    assert "decompressed response larger than 128 MiB" in str(caught.value)
    assert server.headers[0]["accept-encoding"] == "gzip"


def test_a_gzipped_page_is_read(tmp_path: Path) -> None:
    page = json.dumps(
        {"meta": {"api-version": "1.0"}, "name": "alpha",
         "files": [{"filename": "alpha-1.0.tar.gz", "url": "alpha-1.0.tar.gz",
                    "hashes": {}}]}
    ).encode()  # fmt: skip
    body = zlib.compress(page, wbits=31)

    def gzipped(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
        yield head(200, len(body), Content_Type=JSON_TYPE, Content_Encoding="gzip")
        yield body

    with serve(gzipped) as server:
        found = client(server.url, tmp_path).project("alpha")
    assert [f.filename for f in found.files] == ["alpha-1.0.tar.gz"]


def test_deeply_nested_json_is_a_clear_error(tmp_path: Path) -> None:
    with serve(deep) as server:
        index = client(server.url, tmp_path)
        with pytest.raises(IndexUnavailable) as caught:
            index.project("alpha")
        assert str(caught.value) == (
            f"{server.url}simple/alpha/ is not a valid simple-API JSON page: "
            f"JSON nested deeper than {JSON_DEPTH} levels"
        )
        with pytest.raises(IndexUnavailable, match="nested deeper than 32"):
            index.release("alpha")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('{"a": [1, {"b": "[[[["}]}', 3, id="brackets-in-strings"),
        pytest.param(r'{"a": "x\"[[["}', 1, id="escaped-quote"),
        pytest.param(r'{"a": "x\\"}', 1, id="escaped-backslash"),
        pytest.param('"x"', 0, id="scalar"),
    ],
)
def test_depth(text: str, expected: int) -> None:
    assert depth(text.encode()) == expected
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize("ranges", [True, False], ids=["ranges", "whole"])
def test_a_zip_bomb_metadata_in_a_wheel_stops_at_the_cap(
    test_index: TestIndex, tmp_path: Path, ranges: bool
) -> None:
    test_index.ranges = ranges
    test_index.add("bomb", [Release("1.0", metadata=False)])
    wheel = test_index.root / "files" / "bomb-1.0-py3-none-any.whl"
    wheel.write_bytes(zip_bomb("bomb-1.0", 64 << 20))
    mirror = IndexClient(test_index.simple_url, None, cache_dir=tmp_path / "c")
    with pytest.raises(ResponseTooLarge) as caught:
        mirror.latest_metadata(mirror.project("bomb"))
    assert str(caught.value) == (
        f"{test_index.base_url}files/{wheel.name}: METADATA in the wheel larger "
        "than 8 MiB; not read further"
    )


def test_the_time_budget_covers_all_requests_together(
    test_index: TestIndex, tmp_path: Path
) -> None:
    for name in ("alpha", "beta", "gamma"):
        test_index.add(name, [Release("1.0")])
        test_index.stall(name, 0.4)  # each well within a request's deadline
    index = IndexClient(test_index.simple_url, None, cache_dir=tmp_path, retries=0)
    index.limit_time(1.0, "[review] time-budget")
    index.project("alpha")
    index.project("beta")
    with pytest.raises(DeadlineExceeded) as caught:
        index.project("gamma")
    assert str(caught.value) == (
        f"{test_index.simple_url}gamma/: no complete answer within the "
        "[review] time-budget of 1 s"
    )


def test_review_against_a_slow_index_stops_at_its_time_budget(
    test_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    test_index.add("alpha", [Release("1.0")])
    test_index.stall("alpha", 30)
    (tmp_path / "global-requirements.txt").write_text("")
    (tmp_path / "accord.toml").write_text("[review]\ntime-budget = 1\n")
    (tmp_path / "Packages").write_text("")
    started = time.monotonic()
    code = main([
        "review", "alpha", "--requirements", str(tmp_path), "--no-compare",
        "--index-url", test_index.simple_url,
        "--pypi-json-url", test_index.pypi_json_url,
        "--distro-index", str(tmp_path / "Packages"),
    ])  # fmt: skip
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"accord: error: {test_index.simple_url}alpha/: no complete answer "
        "within the [review] time-budget of 1 s\n"
    )


def test_a_body_read_as_it_arrives_comes_in_bounded_pieces_even_inflated() -> None:
    """The relay passes a file on a piece at a time: a piece that inflates to
    megabytes must not be held whole."""
    import io
    from email.message import Message

    from accord.index._limits import Budget, body_chunks

    class Gzipped(io.BytesIO):
        headers = Message()

    Gzipped.headers["Content-Encoding"] = "gzip"
    budget = Budget(8 * MB, time.monotonic() + 60, 60)
    pieces = list(body_chunks(Gzipped(gzip_of(4 * MB)), "http://x/f.tar.gz", budget))
    assert max(map(len, pieces)) <= 64 << 10
    assert b"".join(pieces) == bytes(4 * MB)
    with pytest.raises(ResponseTooLarge):
        list(body_chunks(Gzipped(gzip_of(9 * MB)), "http://x/f.tar.gz", budget))
