"""The local relay between uv and the index.

A real local index (tests/indexserver.py) and real uv runs: no network.
"""

from __future__ import annotations

import html
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
from accord.index._wheel import RemoteFile, wheel_metadata
from accord.index.relay import FILE_CACHE, PAGE_CACHE, Relay

from .hostileserver import zip_bomb
from .indexserver import Release, TestIndex, index_fixture, serve_index  # noqa: F401


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The relay's key file (and any cache) under the test's directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


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
        def get_range(
            self, url: str, byte_range: str, limit: int = 0
        ) -> tuple[bytes, int | None]:
            asked.append(byte_range)
            first, _, last = byte_range.partition("-")
            start = len(whole) - int(last) if not first else int(first)
            end = len(whole) if not first else int(last) + 1
            return whole[start:end], len(whole)

    remote = RemoteFile(Ranges(), "https://example.org/big.whl")
    assert wheel_metadata(remote, remote.url) == b"Name: big\nVersion: 1.0\n"
    fetched = sum(
        (int(r.split("-")[1]) - int(r.split("-")[0]) + 1) if r[0] != "-" else int(r[1:])
        for r in asked
    )
    assert fetched < len(whole)  # the 300 kB member was never downloaded


def test_a_later_run_serves_the_links_an_earlier_one_made(
    relay_index: TestIndex,
) -> None:
    # uv holds pages for ten minutes and asks a later run's relay (same
    # port, same per-user secret) for the files they link to.
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        link = wheel_link(relay, "alpha", "alpha-1.0-py3-none-any.whl")
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as fresh:
        assert fresh.base == relay.base
        relay_index.clear_requests()
        status, _, body = get(link)
        assert status == 200 and body[:2] == b"PK"
        assert relay_index.requests == ["/files/alpha-1.0-py3-none-any.whl"]


def test_another_local_client_without_the_secret_gets_403(
    relay_index: TestIndex,
) -> None:
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        link = wheel_link(relay, "alpha", "alpha-1.0-py3-none-any.whl")
        path = link.removeprefix(relay.base)
        relay_index.clear_requests()
        for url in (
            f"{relay.origin}/0/alpha/",  # the relay's old, secret-less form
            f"{relay.origin}/{'x' * len(relay.secret)}/0/alpha/",
            f"{relay.origin}/{path}",
            f"{relay.origin}/x/{path}",
        ):
            status, headers, _ = get(url)
            assert (status, headers["Cache-Control"]) == (403, "no-store"), url
        assert relay_index.requests == []


def test_an_off_index_url_gets_403(relay_index: TestIndex) -> None:
    host = relay_index.base_url.removeprefix("http://").rstrip("/")
    with serve_index(relay_index.root.parent / "other") as other:
        other_host = other.base_url.removeprefix("http://").rstrip("/")
        with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
            link = wheel_link(relay, "alpha", "alpha-1.0-py3-none-any.whl")
            mac = link.removeprefix(relay.base + "f/").split("/")[0]
            relay_index.clear_requests()
            refused = [
                # another path on the index's host, with no link or another's
                f"f/{mac}/http/{host}/simple/alpha/index.json",
                f"f/{'0' * len(mac)}/http/{host}/files/alpha-1.0.tar.gz",
                f"f/http/{host}/files/alpha-1.0-py3-none-any.whl",
                # another host:port, with a valid link's MAC
                f"f/{mac}/http/{other_host}/files/alpha-1.0-py3-none-any.whl",
                f"f/{mac}/ftp/{host}/files/alpha-1.0-py3-none-any.whl",
                # out of the index's path, or another index
                "0/%2e%2e/",
                "0/../files/",
                "0/alpha/../../files/",
                "7/alpha/",
            ]
            for path in refused:
                assert get(relay.base + path)[0] == 403, path
            assert relay_index.requests == [] and other.requests == []
            assert get(relay.url(0) + "no-such-project/")[0] == 404


def test_credentials_go_to_the_index_origin_only(
    relay_index: TestIndex, tmp_path: Path
) -> None:
    """A page may link files on other hosts: they never get the credentials."""
    port = relay_index.base_url.rstrip("/").rsplit(":", 1)[1]
    with serve_index(tmp_path / "files-host") as files_host:
        files_host.add("alpha", [Release("1.0")])
        entries = [
            {"filename": name, "url": f"{base}files/{name}"}
            for name, base in [
                ("alpha-1.0-py3-none-any.whl", files_host.base_url),
                ("alpha-1.0.tar.gz", f"http://localhost:{port}/"),
                ("alpha-1.0-py3-none-any.whl.metadata", relay_index.base_url),
            ]
        ]
        relay_index.add("alpha", [Release("1.0")])
        (relay_index.root / "simple" / "alpha" / "index.json").write_text(
            json.dumps({"meta": {"api-version": "1.1"}, "files": entries})
        )
        relay_index.auth = ("user", "s3cret")
        index_url = relay_index.with_credentials(
            relay_index.simple_url, "user", "s3cret"
        )
        with Relay([index_url], Fetcher(None, 10, 0)) as relay:
            files = json.loads(get(relay.url(0) + "alpha/")[2])["files"]
            statuses = [get(entry["url"])[0] for entry in files]
        # localhost is another origin: no credentials, so the index's 401
        assert statuses == [200, 502, 200]
        assert all("authorization" not in r.headers for r in files_host.log)
        sent = [(r.path, "authorization" in r.headers) for r in relay_index.log]
        assert sent == [
            ("/simple/alpha/", True),
            ("/files/alpha-1.0.tar.gz", False),
            ("/files/alpha-1.0-py3-none-any.whl.metadata", True),
        ]


def test_a_gzipping_index_works_through_the_relay(relay_index: TestIndex) -> None:
    relay_index.gzip = True
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        status, headers, body = get(relay.url(0) + "alpha/")
        assert status == 200 and "Content-Encoding" not in headers
        assert json.loads(body)["files"]
        link = wheel_link(relay, "alpha", "alpha-1.0-py3-none-any.whl")
        status, headers, wheel = get(link)
        expected = relay_index.root / "files" / "alpha-1.0-py3-none-any.whl"
        assert wheel == expected.read_bytes()
        assert b"Version: 1.0" in get(link + ".metadata")[2]


def test_the_secret_is_kept_in_a_private_file(cache_home: Path) -> None:
    from accord.index.relay._guard import KEY_FILE, load_secret

    secret = load_secret()
    key = cache_home / "accord" / KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600
    assert load_secret() == secret  # stable: uv's cache keys stay the same
    key.chmod(0o644)  # readable by others: no longer a secret
    assert load_secret() != secret
    assert key.stat().st_mode & 0o777 == 0o600


def test_uv_gets_the_relay_in_its_environment_not_its_arguments(
    relay_index: TestIndex,
) -> None:
    from accord._config_resolution import IndexSettings
    from accord.resolve.uv import UvResolver

    settings = IndexSettings(url=relay_index.simple_url, extra_urls=("http://x/s",))
    resolver = UvResolver(settings, uv="uv")
    with Relay(resolver.relayed_indexes(), Fetcher(None, 10, 0)) as relay:
        assert relay.secret not in " ".join(resolver._index_arguments(relay))
        assert relay.uv_environment() == {
            "UV_INDEX_URL": relay.url(0),
            "UV_EXTRA_INDEX_URL": relay.url(1),
        }
        told = relay.unrelay(f"failed: {relay.url(1)}alpha/ and {relay.base}f/ab/")
        assert told == "failed: http://x/s/alpha/ and ***f/ab/".replace(
            "***", relay.base.replace(relay.secret, "***")
        )


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
        assert all(
            re.match(re.escape(relay.base) + "f/[0-9a-f]+/http/", f["url"])
            for f in files
        )
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


def test_credentials_never_go_to_plain_http_on_the_same_host(
    relay_index: TestIndex,
) -> None:
    fetcher = Fetcher(None, 10, 0)
    https = relay_index.with_credentials(relay_index.simple_url, "u", "p")
    fetcher.remember_credentials(https.replace("http://", "https://"))
    relay_index.add("alpha", [Release("1.0")])
    assert fetcher.get(relay_index.simple_url + "alpha/", "*/*") is not None
    assert "authorization" not in relay_index.log[0].headers


@pytest.mark.parametrize("served", [False, True], ids=["in-wheel", "index-file"])
def test_metadata_over_the_cap_never_reaches_uv(
    relay_index: TestIndex, served: bool
) -> None:
    relay_index.ranges = True
    relay_index.add("bomb", [Release("1.0", metadata=served)])
    wheel = relay_index.root / "files" / "bomb-1.0-py3-none-any.whl"
    wheel.write_bytes(zip_bomb("bomb-1.0", 64 << 20))
    if served:
        (wheel.parent / f"{wheel.name}.metadata").write_bytes(b" " * (9 << 20))
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        link = wheel_link(relay, "bomb", wheel.name)
        status, headers, body = get(link + ".metadata")
    assert (status, headers["Cache-Control"]) == (502, "no-store")
    what = "response" if served else "METADATA in the wheel"
    assert f"{what} larger than 8 MiB; not read further" in body.decode()
    assert wheel.stat().st_size < 200_000  # 64 MiB of METADATA, deflated


def test_generate_through_the_relay_from_a_gzipping_index(
    relay_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    relay_index.gzip = True
    (tmp_path / "global-requirements.txt").write_text("alpha  # MIT\n")
    (tmp_path / "accord.toml").write_text(
        f'python-versions = ["3.12"]\n[index]\nurl = "{relay_index.simple_url}"\n'
    )
    code = main(["constraints", "generate", "--requirements", str(tmp_path)])
    assert code == 0, capsys.readouterr()
    pins = (tmp_path / "upper-constraints.txt").read_text()
    assert "alpha===2.0\nbeta===1.5\n" in pins
    assert {r.headers.get("user-agent") for r in relay_index.log} == {"accord"}


def test_a_kept_page_is_served_only_while_the_index_page_is_unchanged(
    relay_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = tmp_path / "pages"
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0), page_dir=pages) as one:
        first = one.page(0, "alpha").body
    assert pages.stat().st_mode & 0o077 == 0  # it holds the relay's secret

    from accord.index.relay import _pages

    def no_rewrite(*args: object) -> bytes:
        raise AssertionError("rewritten although kept")

    with monkeypatch.context() as patched:
        patched.setattr(_pages, "rewrite_json", no_rewrite)
        patched.setattr(_pages, "rewrite_html", no_rewrite)
        with Relay(
            [relay_index.simple_url], Fetcher(None, 10, 0), page_dir=pages
        ) as two:
            assert two.page(0, "alpha").body == first
    # A new release changes the index's page: the kept rewrite is not used.
    relay_index.add("alpha", [Release("1.0"), Release("3.0")])
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0), page_dir=pages) as three:
        assert b"alpha-3.0-py3-none-any.whl" in three.page(0, "alpha").body


def test_uv_revalidating_an_unchanged_page_gets_304(relay_index: TestIndex) -> None:
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        status, headers, body = get(relay.url(0) + "alpha/")
        assert status == 200 and body
        etag = headers["ETag"]
        request = urllib.request.Request(
            relay.url(0) + "alpha/", headers={"If-None-Match": etag}
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("a 200 for an unchanged page")
        except urllib.error.HTTPError as error:
            assert error.code == 304
            assert error.headers["Cache-Control"] == PAGE_CACHE
        # A new release changes the page: uv's copy is no longer it.
        relay_index.add("alpha", [Release("1.0"), Release("3.0")])
        status, headers, body = get(relay.url(0) + "alpha/")
        again = urllib.request.Request(
            relay.url(0) + "alpha/", headers={"If-None-Match": etag}
        )
        with urllib.request.urlopen(again, timeout=10) as reply:
            assert reply.status == 200
            assert reply.headers["ETag"] != etag
            assert b"alpha-3.0-py3-none-any.whl" in reply.read()


def test_pages_warmed_ahead_are_not_fetched_again_when_uv_asks(
    relay_index: TestIndex,
) -> None:
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0)) as relay:
        relay.warm(["alpha", "beta", "no-such-project"])
        deadline = time.monotonic() + 10
        wanted = {"/simple/alpha/", "/simple/beta/", "/simple/no-such-project/"}
        while not wanted <= set(relay_index.requests):
            assert time.monotonic() < deadline, relay_index.requests
            time.sleep(0.01)
        time.sleep(0.1)  # the fetches done: kept until uv asks
        status, _, body = get(relay.url(0) + "alpha/")
        assert status == 200 and b"alpha-2.0" in body
        assert get(relay.url(0) + "no-such-project/")[0] == 404
        assert relay_index.requests.count("/simple/alpha/") == 1
        # Once uv has had a page, asking again fetches it again (uv keeps
        # it for its max-age; the relay does not hold it meanwhile).
        get(relay.url(0) + "alpha/")
        assert relay_index.requests.count("/simple/alpha/") == 2


def test_a_rerun_from_warm_caches_resolves_every_python_on_one_fetch_per_page(
    relay_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from accord.index.relay import _relay

    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setattr(_relay, "PAGE_CACHE", "max-age=0")  # uv asks each time
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(
        "alpha  # MIT\nbeta  # MIT\ngamma;python_version>='3.13'  # MIT\n"
    )
    (repo / "accord.toml").write_text(
        'python-versions = ["3.11", "3.12", "3.13"]\n'
        f'[index]\nurl = "{relay_index.simple_url}"\n'
    )
    assert main(["constraints", "generate", "--requirements", str(repo)]) == 0
    first = (repo / "upper-constraints.txt").read_text()
    assert "alpha===2.0\n" in first
    relay_index.add("alpha", [Release("1.0"), Release("2.0"), Release("3.0")])
    (repo / "global-requirements.txt").write_text(
        "alpha>=3  # MIT\nbeta  # MIT\ngamma;python_version>='3.13'  # MIT\n"
    )
    relay_index.clear_requests()
    generate = ["constraints", "generate", "--requirements", str(repo)]
    assert main(generate) == 0, capsys.readouterr()
    pins = (repo / "upper-constraints.txt").read_text()
    assert "alpha===3.0\n" in pins and "gamma===3.0;python_version>='3.13'" in pins
    # Three uv runs at once, each asking whether the pages changed: the
    # index is asked once per page.
    pages = [r for r in relay_index.requests if r.startswith("/simple/")]
    assert sorted(pages) == sorted(set(pages)), pages


def test_a_page_held_for_the_run_is_whole_for_a_client_without_a_copy(
    relay_index: TestIndex, tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0), page_dir=pages) as one:
        first = one.page(0, "alpha").body
    relay_index.clear_requests()
    with Relay([relay_index.simple_url], Fetcher(None, 10, 0), page_dir=pages) as two:
        two.hold_pages = True  # held from the page store, without the body
        status, headers, body = get(two.url(0) + "alpha/")
        assert (status, body) == (200, first)
        again = urllib.request.Request(
            two.url(0) + "alpha/", headers={"If-None-Match": headers["ETag"]}
        )
        try:
            urllib.request.urlopen(again, timeout=10)
            raise AssertionError("a 200 for an unchanged page")
        except urllib.error.HTTPError as error:
            assert error.code == 304
        assert get(two.url(0) + "alpha/")[2] == first
        assert two.page(0, "alpha").body == first
    assert relay_index.requests.count("/simple/alpha/") == 1


REFUSED_LINKS = {
    "javascript:alert(1)": "not an http(s) URL",
    "data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==": (
        "not an http(s) URL"
    ),
    "ftp://user:s3cret@files.example/alpha-3.1.tar.gz": "not an http(s) URL",
    "http://files.example:99999/alpha-3.2.tar.gz": "bad port",
    "http://[zz/alpha-3.3.tar.gz": "bad host",
    "//[zz/alpha-3.4.tar.gz": "not a URL: Invalid IPv6 URL",
    "http://files.example/alpha 3.5.tar.gz": "a space or control character in it",
}


def with_refused_links(index: TestIndex, json_api: bool) -> None:
    """alpha's page with a file for each of REFUSED_LINKS besides its own."""
    index.json_api = json_api
    page = index.root / "simple" / "alpha"
    if json_api:
        document = json.loads((page / "index.json").read_text())
        document["files"] += [
            {"filename": f"alpha-3.{n}-py3-none-any.whl", "url": url, "hashes": {}}
            for n, url in enumerate(REFUSED_LINKS)
        ]
        (page / "index.json").write_text(json.dumps(document))
    else:
        anchors = "".join(
            f'<a href="{html.escape(url)}">alpha-3.{n}-py3-none-any.whl</a><br />\n'
            for n, url in enumerate(REFUSED_LINKS)
        )
        text = (page / "index.html").read_text()
        (page / "index.html").write_text(text.replace("</body>", anchors + "</body>"))


@pytest.mark.parametrize("json_api", [True, False], ids=["json", "html"])
def test_a_link_the_relay_refuses_is_dropped_and_named(
    relay_index: TestIndex,
    json_api: bool,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    with_refused_links(relay_index, json_api)
    page = relay_index.simple_url + "alpha/"
    with Relay(
        [relay_index.simple_url], Fetcher(None, 10, 0), page_dir=tmp_path / "pages"
    ) as relay:
        status, _, body = get(relay.url(0) + "alpha/")
        get(relay.url(0) + "alpha/")  # said once, however often uv asks
        assert status == 200
        text = body.decode()
        assert "alpha-3." not in text and "javascript:" not in text
        # The library's own files are still there, and served.
        for name in ("alpha-1.0-py3-none-any.whl", "alpha-2.0.tar.gz"):
            assert get(wheel_link(relay, "alpha", name))[0] == 200
    told = sorted(capfd.readouterr().err.splitlines())
    assert told == sorted(
        f"accord: note: the relay dropped a link it does not relay from the page "
        f"{page}: {url.replace('user:s3cret@', '***@')} ({why})"
        for url, why in REFUSED_LINKS.items()
    )
    # A later run serving the page it kept says so again.
    with Relay(
        [relay_index.simple_url], Fetcher(None, 10, 0), page_dir=tmp_path / "pages"
    ) as relay:
        assert relay.page(0, "alpha").body == body
    assert sorted(capfd.readouterr().err.splitlines()) == told


def test_uv_resolves_a_library_whose_page_has_a_link_the_relay_refuses(
    relay_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    with_refused_links(relay_index, json_api=True)
    (tmp_path / "global-requirements.txt").write_text("alpha  # MIT\n")
    (tmp_path / "accord.toml").write_text(
        f'python-versions = ["3.12"]\n[index]\nurl = "{relay_index.simple_url}"\n'
    )
    code = main(["constraints", "generate", "--requirements", str(tmp_path)])
    assert code == 0, capsys.readouterr()
    assert "alpha===2.0\n" in (tmp_path / "upper-constraints.txt").read_text()
    assert "dropped a link it does not relay" in capsys.readouterr().err
