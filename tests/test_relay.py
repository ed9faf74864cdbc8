"""The local relay between uv and the index, and the prefetch ahead of uv.

A real local index (tests/indexserver.py) and real uv runs: no network.
"""

from __future__ import annotations

import io
import json
import os
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from accord.cli import main
from accord.index._http import Fetcher
from accord.index.prefetch import (
    Prefetch,
    Want,
    catalog,
    choose_wheel,
    dependencies,
    wheel_tags,
)
from accord.index.relay import FILE_CACHE, PAGE_CACHE, Listed, Relay, _RemoteFile

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401


@pytest.fixture
def relay_index(test_index: TestIndex) -> TestIndex:
    test_index.add("alpha", [Release("1.0"), Release("2.0", requires_dist=["beta>=1"])])
    test_index.add("beta", [Release("1.0"), Release("1.5", metadata=False)])
    test_index.add("gamma", [Release("3.0", requires_python=">=3.13")])
    return test_index


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
        files = [relay.listed(entry) for entry in relay.listing(relay.page(0, "beta"))]
        wheel = next(
            f for f in files if f and f.filename == "beta-1.5-py3-none-any.whl"
        )
        # The index serves no .metadata for 1.5; the relay advertises it anyway
        # and reads it out of the wheel.
        if json_api:
            entry = next(
                e for e in json.loads(body)["files"] if e["filename"] == wheel.filename
            )
            assert entry["core-metadata"] is True
            assert "#sha256=" in entry["url"] or entry["hashes"]
        else:
            assert 'data-core-metadata="true"' in text
            assert "#sha256=" in text  # the file hash uv checks is kept
        status, headers, metadata = get(
            relay.base.rstrip("/") + wheel.path + ".metadata"
        )
        assert status == 200
        assert headers["Cache-Control"] == FILE_CACHE
        assert b"Name: beta\nVersion: 1.5\n" in metadata


def test_metadata_the_index_lacks_is_read_with_ranges(relay_index: TestIndex) -> None:
    relay_index.ranges = True
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        files = [relay.listed(e) for e in relay.listing(relay.page(0, "beta"))]
        wheel = next(
            f for f in files if f and f.filename.endswith("1.5-py3-none-any.whl")
        )
        relay_index.clear_requests()
        reply = relay.file(wheel.path + ".metadata")
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


def test_only_hosts_the_index_links_to_are_relayed(relay_index: TestIndex) -> None:
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        status, _, _ = get(relay.base + "f/https/evil.example.org/x.whl")
        assert status == 404
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


# -- the prefetch's guesses ------------------------------------------------


def listed(
    filename: str, requires_python: str | None = None, yanked: bool = False
) -> Listed:
    return Listed(
        filename, f"/f/https/files.example.org/{filename}", requires_python, yanked
    )


FILES = [
    listed("demo-1.0-py3-none-any.whl"),
    listed("demo-1.0.tar.gz"),
    listed("demo-2.0-py3-none-any.whl", requires_python=">=3.12"),
    listed("demo-2.0.tar.gz", requires_python=">=3.12"),
    listed("demo-2.1-py3-none-any.whl", yanked=True),
    listed("demo-3.0rc1-py3-none-any.whl"),
    listed("demo-1.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
    listed("demo-1.5-cp311-cp311-win_amd64.whl"),
    listed("demo-1.5-cp312-cp312-manylinux_2_17_x86_64.whl"),
    listed("demo-1.5-py3-none-any.whl"),
    listed("demo-1.7.tar.gz"),
]


def choose(
    python: str,
    allowed: str = "",
    preferred: str | None = None,
    files: list[Listed] = FILES,
) -> str | None:
    chosen = choose_wheel(
        catalog(files),
        lambda entry: entry if isinstance(entry, Listed) else None,
        SpecifierSet(allowed),
        Version(preferred) if preferred else None,
        python,
        wheel_tags(python, "linux"),
    )
    return None if chosen is None else chosen.filename


def test_the_guess_is_the_newest_final_release_for_that_python() -> None:
    assert choose("3.12") == "demo-2.0-py3-none-any.whl"  # 2.1 is yanked, 3.0rc1 a pre
    assert choose("3.11", "<1.7") == (
        "demo-1.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    )  # the most specific wheel for that Python, as uv picks
    assert choose("3.12", "<1.7") == "demo-1.5-cp312-cp312-manylinux_2_17_x86_64.whl"
    assert choose("3.13", "<1.7") == "demo-1.5-py3-none-any.whl"


def test_a_preference_wins_when_allowed_and_sdists_are_left_to_uv() -> None:
    assert choose("3.12", preferred="1.0") == "demo-1.0-py3-none-any.whl"
    assert choose("3.12", "<1.0", preferred="1.0") is None  # nothing allowed
    assert choose("3.12", "<2.0", preferred="1.7") is None  # 1.7 has only an sdist
    only_pre = [listed("demo-3.0rc1-py3-none-any.whl")]
    assert choose("3.12", files=only_pre) == "demo-3.0rc1-py3-none-any.whl"


def test_dependencies_follow_markers_and_extras() -> None:
    metadata = (
        b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
        b"Requires-Dist: always>=1\n"
        b"Requires-Dist: old; python_version<'3.12'\n"
        b"Requires-Dist: windows; sys_platform=='win32'\n"
        b"Requires-Dist: socks; extra=='socks'\n"
        b"Requires-Dist: not a requirement (\n"
    )
    names = lambda found: [r.name for r in found]  # noqa: E731
    assert names(dependencies(metadata, "3.11")) == ["always", "old"]
    assert names(dependencies(metadata, "3.12")) == ["always"]
    assert names(dependencies(metadata, "3.12", ["socks"])) == ["always", "socks"]


def test_the_prefetch_walks_dependencies_before_uv_asks(relay_index: TestIndex) -> None:
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        prefetch = Prefetch(relay, [Want("3.12", ("alpha",))], "linux", workers=2)
        prefetch.start()
        deadline = time.monotonic() + 10
        while (
            "/simple/beta/" not in relay_index.requests and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        prefetch.stop()
        # alpha 2.0's metadata named beta: its page was fetched, unasked.
        assert "/simple/beta/" in relay_index.requests
        assert "/simple/gamma/" not in relay_index.requests
