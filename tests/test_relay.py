"""The local relay between uv and the index.

A real local index (tests/indexserver.py) and real uv runs: no network.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from accord.cli import main
from accord.index._http import Fetcher
from accord.index.relay import FILE_CACHE, PAGE_CACHE, Relay, _RemoteFile

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401


@pytest.fixture
def relay_index(test_index: TestIndex) -> TestIndex:
    test_index.add("alpha", [Release("1.0"), Release("2.0", requires_dist=["beta>=1"])])
    test_index.add("beta", [Release("1.0"), Release("1.5", metadata=False)])
    test_index.add("gamma", [Release("3.0", requires_python=">=3.13")])
    return test_index


def wheel_link(relay: Relay, name: str, filename: str) -> str:
    """The relay's link to ``filename`` on its page for ``name``."""
    body = relay.page(0, name).body.decode()
    found = re.search(re.escape(relay.base) + r'f/[^"#\s]*' + re.escape(filename), body)
    assert found is not None, body
    return found.group()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("json_api", [True, False], ids=["json", "html"])
@pytest.mark.parametrize("absolute", [True, False], ids=["absolute", "relative"])
def test_pages_point_at_the_relay_and_advertise_metadata(
    relay_index: TestIndex, json_api: bool, absolute: bool
) -> None:
    relay_index.json_api = json_api
    relay_index.absolute_urls = absolute
    relay_index.add("beta", [Release("1.0"), Release("1.5", metadata=False)])
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        status, headers, body = get(relay.url(0) + "beta/")
        assert status == 200
        assert headers["Cache-Control"] == PAGE_CACHE
        text = body.decode()
        assert relay_index.base_url not in text  # every link goes through the relay
        filename = "beta-1.5-py3-none-any.whl"
        link = wheel_link(relay, "beta", filename)
        # The index serves no .metadata for 1.5; the relay advertises it anyway
        # and reads it out of the wheel.
        if json_api:
            entry = next(
                e for e in json.loads(body)["files"] if e["filename"] == filename
            )
            assert entry["core-metadata"] is True
            assert "#sha256=" in entry["url"] or entry["hashes"]
        else:
            assert 'data-core-metadata="true"' in text
            assert "#sha256=" in text  # the file hash uv checks is kept
        status, headers, metadata = get(link + ".metadata")
        assert status == 200
        assert headers["Cache-Control"] == FILE_CACHE
        assert b"Name: beta\nVersion: 1.5\n" in metadata


def test_metadata_the_index_lacks_is_read_with_ranges(relay_index: TestIndex) -> None:
    relay_index.ranges = True
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        link = wheel_link(relay, "beta", "beta-1.5-py3-none-any.whl")
        relay_index.clear_requests()
        reply = relay.file(link.removeprefix(relay.base.rstrip("/")) + ".metadata")
        assert reply.status == 200 and b"Version: 1.5" in reply.body
        wheel_requests = [r for r in relay_index.log if r.path.endswith(".whl")]
        assert wheel_requests and all("range" in r.headers for r in wheel_requests)


def test_a_large_wheel_is_read_by_its_end_and_one_member() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("big/data.bin", os.urandom(300_000))  # incompressible
        for number in range(3000):  # a central directory larger than one tail read
            archive.writestr(f"big/module_{number:04}.py", "")
        archive.writestr("big-1.0.dist-info/METADATA", "Name: big\nVersion: 1.0\n")
    whole = buffer.getvalue()
    asked: list[str] = []

    class Ranges:
        def get_range(self, url: str, byte_range: str) -> tuple[bytes, int | None]:
            asked.append(byte_range)
            first, _, last = byte_range.partition("-")
            start = len(whole) - int(last) if not first else int(first)
            end = len(whole) if not first else int(last) + 1
            return whole[start:end], len(whole)

    from accord.index.relay import _wheel_metadata

    remote = _RemoteFile(Ranges(), "https://example.org/big.whl")  # type: ignore[arg-type]
    assert _wheel_metadata(remote) == b"Name: big\nVersion: 1.0\n"
    fetched = sum(
        (int(r.split("-")[1]) - int(r.split("-")[0]) + 1) if r[0] != "-" else int(r[1:])
        for r in asked
    )
    assert fetched < len(whole)  # the 300 kB member was never downloaded


def test_the_relay_relays_distributions_and_nothing_else(
    relay_index: TestIndex,
) -> None:
    host = relay_index.base_url.removeprefix("http://").rstrip("/")
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        # A fresh relay, no page read yet: uv, holding pages from an earlier
        # run (they stay fresh ten minutes), asks for a file they link to.
        status, _, body = get(
            f"{relay.base}f/http/{host}/files/alpha-1.0-py3-none-any.whl"
        )
        assert status == 200 and body[:2] == b"PK"
        status, headers, _ = get(f"{relay.base}f/http/{host}/simple/alpha/index.json")
        assert status == 404 and headers["Cache-Control"] == "no-store"
        assert get(f"{relay.base}f/ftp/{host}/files/x.whl")[0] == 404
        assert get(relay.url(0) + "no-such-project/")[0] == 404
        assert get(relay.url(7) + "alpha/")[0] == 404


def test_an_index_failure_reaches_uv_as_a_bad_gateway(relay_index: TestIndex) -> None:
    relay_index.fail("/simple/alpha/", times=5, status=503)
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        status, _, body = get(relay.url(0) + "alpha/")
        assert status == 502
        assert b"HTTP 503" in body


def test_each_page_is_fetched_once_however_many_ask(relay_index: TestIndex) -> None:
    from concurrent.futures import ThreadPoolExecutor

    relay_index.stall("/simple/alpha/", 0.3)
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: relay.page(0, "alpha"), range(8)))
        assert {r.status for r in replies} == {200}
        assert relay_index.requests.count("/simple/alpha/") == 1


def test_generate_through_the_relay_gives_the_same_pins(
    relay_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    relay_index.ranges = True  # uv reads beta 1.5's wheel (no .metadata) by ranges
    results = {}
    for relay in (True, False):
        repo = tmp_path / f"repo-{relay}"
        repo.mkdir()
        (repo / "global-requirements.txt").write_text(
            "alpha  # MIT\nbeta  # MIT\ngamma;python_version>='3.13'  # MIT\n"
        )
        (repo / "accord.toml").write_text(
            'python-versions = ["3.11", "3.12", "3.13"]\n'
            f'[index]\nurl = "{relay_index.simple_url}"\n'
            f"relay = {str(relay).lower()}\n"
        )
        relay_index.clear_requests()
        code = main(["constraints", "generate", "--requirements", str(repo)])
        assert code == 0, capsys.readouterr()
        results[relay] = (repo / "upper-constraints.txt").read_text()
        agents = {
            r.headers.get("user-agent", "").split("/")[0] for r in relay_index.log
        }
        # Through the relay only accord asks the index; without it, uv does.
        assert agents == ({"accord"} if relay else {"uv"})
    assert results[True] == results[False]
    assert (
        "alpha===2.0\nbeta===1.5\ngamma===3.0;python_version>='3.13'\n" in results[True]
    )


def test_a_relay_setting_that_is_not_a_boolean_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "global-requirements.txt").write_text("alpha  # MIT\n")
    (tmp_path / "accord.toml").write_text('[index]\nrelay = "yes"\n')
    assert main(["validate", str(tmp_path)]) == 2
    assert "'relay' must be true or false" in capsys.readouterr().err


def test_an_extra_index_is_relayed_too(
    relay_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from .indexserver import serve_index

    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with serve_index(tmp_path / "extra") as extra:
        extra.add("delta", [Release("4.0")])
        (tmp_path / "global-requirements.txt").write_text(
            "alpha  # MIT\ndelta  # MIT\n"
        )
        (tmp_path / "accord.toml").write_text(
            'python-versions = ["3.12"]\n'
            f'[index]\nurl = "{relay_index.simple_url}"\n'
            f'extra-urls = ["{extra.simple_url}"]\n'
        )
        code = main(["constraints", "generate", "--requirements", str(tmp_path)])
        assert code == 0, capsys.readouterr()
        assert "delta===4.0\n" in (tmp_path / "upper-constraints.txt").read_text()
        assert {r.headers.get("user-agent") for r in extra.log} == {"accord"}


def test_the_port_is_the_same_each_run_and_never_shared(relay_index: TestIndex) -> None:
    fetcher = Fetcher(None, 10, 0)
    with Relay([relay_index.simple_url], fetcher) as first:
        port = first.base
        with Relay([relay_index.simple_url], fetcher) as second:
            assert second.base != first.base  # a running relay keeps its port
            assert get(second.url(0) + "alpha/")[0] == 200
    with Relay([relay_index.simple_url], fetcher) as again:
        assert again.base == port  # so uv's cache keys stay the same


def test_a_mirror_that_advertises_no_metadata_gets_it_advertised(
    relay_index: TestIndex,
) -> None:
    # Like this sandbox's PyPI mirror: absolute links, no PEP 658 anywhere.
    relay_index.absolute_urls = True
    relay_index.add(
        "beta", [Release("1.0", metadata=False), Release("1.5", metadata=False)]
    )
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        status, _, body = get(relay.url(0) + "beta/")
        files = json.loads(body)["files"]
        wheels = [f for f in files if f["filename"].endswith(".whl")]
        assert status == 200 and len(wheels) == 2
        assert all(f["core-metadata"] is True for f in wheels)
        assert not any("core-metadata" in f for f in files if f not in wheels)
        assert all(f["url"].startswith(relay.base + "f/http/") for f in files)
        link = wheel_link(relay, "beta", "beta-1.0-py3-none-any.whl")
        assert b"Version: 1.0" in get(link + ".metadata")[2]


def test_the_other_pythons_wheel_metadata_is_fetched_ahead(
    relay_index: TestIndex,
) -> None:
    files = relay_index.root / "files"
    entries = []
    for tag in ("cp310", "cp311", "cp312", "cp313"):
        name = f"demo-1.0-{tag}-{tag}-manylinux_2_17_x86_64.whl"
        (files / name).write_bytes(b"not read")
        (files / f"{name}.metadata").write_text("Name: demo\nVersion: 1.0\n")
        entries.append(
            {"filename": name, "url": relay_index.base_url + "files/" + name}
        )
    page = relay_index.root / "simple" / "demo"
    page.mkdir(parents=True)
    (page / "index.json").write_text(
        json.dumps({"meta": {"api-version": "1.1"}, "name": "demo", "files": entries})
    )
    with Relay(
        [relay_index.simple_url], Fetcher(None, 10, 0), ["3.11", "3.12", "3.13"]
    ) as relay:
        link = wheel_link(
            relay, "demo", "demo-1.0-cp311-cp311-manylinux_2_17_x86_64.whl"
        )
        assert get(link + ".metadata")[0] == 200
        wanted = {
            f"/files/demo-1.0-{tag}-{tag}-manylinux_2_17_x86_64.whl.metadata"
            for tag in ("cp312", "cp313")
        }
        deadline = time.monotonic() + 10
        while not wanted <= set(relay_index.requests) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert wanted <= set(relay_index.requests)
        # Not for a Python the run does not resolve for, and each only once.
        assert not any("cp310" in r for r in relay_index.requests)
        assert get(link + ".metadata")[0] == 200
        assert sorted(relay_index.requests).count(sorted(wanted)[0]) == 1


@pytest.mark.parametrize(
    ("settings", "environment", "relayed"),
    [
        ({}, {}, ("https://pypi.org/simple/",)),
        (
            {"url": "https://mirror.example/simple", "extra_urls": ("http://x/s",)},
            {},
            ("https://mirror.example/simple", "http://x/s"),
        ),
        ({}, {"UV_INDEX_URL": "https://other.example/simple"}, ()),
        ({"url": "file:///srv/index"}, {}, ()),
        ({"no_index": True}, {}, ()),
        ({"relay": False}, {}, ()),
    ],
    ids=["pypi", "configured", "uv-env", "file-index", "no-index", "off"],
)
def test_which_indexes_are_relayed(
    settings: dict[str, object],
    environment: dict[str, str],
    relayed: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from accord._config_resolution import IndexSettings
    from accord.resolve.uv import UvResolver

    for name in ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    resolver = UvResolver(IndexSettings(**settings), uv="uv")  # type: ignore[arg-type]
    assert resolver.relayed_indexes() == relayed
