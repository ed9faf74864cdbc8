"""An index (a private one, a mirror) that answers nonsense: accord says so in
one line naming the URL, never a traceback, never fetches what is not
http(s), and never sends credentials to another host.

Each server here (tests/hostileserver.py) answers one project page, its
metadata and a JSON API, with one thing wrong.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from accord.cli import main
from accord.index import _proxied, _transport
from accord.index._errors import IndexUnavailable
from accord.index.client import IndexClient

from .hostileserver import HostileServer, head, serve

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
WHEEL = "alpha-1.0-py3-none-any.whl"
METADATA = b"Metadata-Version: 2.1\nName: alpha\nVersion: 1.0\nLicense: MIT\n"
Route = Callable[[str], tuple[int, str, bytes] | None]


def page(**file: object) -> bytes:
    entry = {
        "filename": WHEEL,
        "url": f"../../files/{WHEEL}",
        "hashes": {},
        "core-metadata": True,
        **file,
    }
    return json.dumps(
        {"meta": {"api-version": "1.1"}, "name": "alpha", "files": [entry]}
    ).encode()


def release(**more: object) -> bytes:
    info = {"name": "alpha", "version": "1.0", "license": "MIT"}
    return json.dumps({"info": info, **more}).encode()


def index(route: Route) -> Callable[[str, dict[str, str]], Iterator[bytes]]:
    """An index whose answers are ``route``'s where it gives one."""

    def answer(path: str, headers: dict[str, str]) -> Iterator[bytes]:
        found = route(path)
        if found is None:
            if path.startswith("/simple/alpha/"):
                found = (200, JSON_TYPE, page())
            elif path.endswith(".metadata"):
                found = (200, "application/octet-stream", METADATA)
            elif path.startswith("/pypi/alpha/"):
                found = (200, "application/json", release())
            else:
                found = (404, "text/plain", b"not found")
        status, content_type, body = found
        extra = {"Location": body.decode()} if 300 <= status < 400 else {}
        yield head(status, len(body), Content_Type=content_type, **extra) + body

    return answer


def client(server: HostileServer, tmp_path: Path) -> IndexClient:
    url = server.url.replace("http://", "http://user:s3cret@")
    return IndexClient(url + "simple/", url + "pypi/", cache_dir=tmp_path, retries=2)


def review(server: HostileServer, tmp_path: Path) -> int:
    tmp_path.mkdir()
    (tmp_path / "global-requirements.txt").write_text("")
    (tmp_path / "Packages").write_text("")
    url = server.url.replace("http://", "http://user:s3cret@")
    code = main([
        "review", "alpha", "--requirements", str(tmp_path), "--no-compare",
        "--index-url", url + "simple/", "--pypi-json-url", url + "pypi/",
        "--distro-index", str(tmp_path / "Packages"),
    ])  # fmt: skip
    return code


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    ("link", "why"),
    [
        pytest.param("file:///etc/passwd", "not an http(s) URL", id="file"),
        pytest.param("javascript:alert(1)", "not an http(s) URL", id="javascript"),
        pytest.param("data:,Metadata-Version", "not an http(s) URL", id="data"),
        pytest.param("ftp://127.0.0.1/x.whl", "not an http(s) URL", id="ftp"),
        pytest.param("http://127.0.0.1:99999/x.whl", "bad port", id="port"),
        pytest.param("http://:80/x.whl", "no host", id="no-host"),
    ],
)
def test_a_link_accord_cannot_fetch_is_named_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str, why: str
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, JSON_TYPE, page(url=link)) if path == "/simple/alpha/" else None

    with serve(index(route)) as server:
        code = review(server, tmp_path / "r")
        assert server.paths.count("/simple/alpha/") == 1
        assert not any(path.startswith("/files/") for path in server.paths)
    err = capsys.readouterr().err
    assert "attempts" not in err  # refused before any connection, once
    assert code == 1
    assert err.count("\n") == 1 and "internal error" not in err
    assert f"{link}.metadata" in err and why in err


@pytest.mark.parametrize(
    ("location", "why"),
    [
        pytest.param("file://127.0.0.1/etc/passwd", "not an http(s) URL", id="file"),
        pytest.param("javascript:alert(1)", "not an http(s) URL", id="javascript"),
        pytest.param("http://127.0.0.1:99999/simple/", "bad port", id="port"),
        pytest.param("/simple/alpha/", "more than 10 redirects", id="loop"),
    ],
)
@pytest.mark.parametrize("through", ["pool", "proxy"])
def test_a_redirect_accord_cannot_follow_is_one_line_and_not_retried(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    location: str,
    why: str,
    through: str,
) -> None:
    if through == "proxy":  # urllib's opener, as when a proxy is set
        opener = urllib.request.build_opener(_proxied._SameHostAuthRedirects)
        monkeypatch.setattr(_transport, "_may_name_a_proxy", lambda: True)
        monkeypatch.setattr(_proxied, "proxied_opener", lambda: opener)
        # urllib refuses other schemes and loops itself, in its words.
        if why == "not an http(s) URL":
            why = "is not allowed"
        elif why.startswith("more"):
            why = "infinite loop"

    def route(path: str) -> tuple[int, str, bytes] | None:
        if path == "/simple/alpha/":
            return (302, "text/plain", location.encode())
        return None

    with serve(index(route)) as server:
        with pytest.raises(IndexUnavailable) as caught:
            client(server, tmp_path).project("alpha")
        loop = 10 if through == "pool" else 5  # urllib: 4 repeats of one URL
        hops = loop if location == "/simple/alpha/" else 1
        assert len(server.paths) == hops  # never retried
    message = str(caught.value)
    assert f"{server.url.replace('//', '//***@')}simple/alpha/" in message
    assert why in message and "s3cret" not in message


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
)
def test_an_upload_time_past_the_calendar_refuses_the_page(
    tmp_path: Path, moment: str
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        if path == "/simple/alpha/":
            return (200, JSON_TYPE, page(**{"upload-time": moment}))
        return None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        client(server, tmp_path).project("alpha")
    assert str(caught.value) == (
        f"{server.url}simple/alpha/ is not a valid simple-API JSON page: "
        f"files.0: upload-time {moment} is out of range"
    )


@pytest.mark.parametrize(
    "vulnerabilities", [5, True, "GHSA-1", {"id": "GHSA-1"}], ids=type
)
def test_a_json_api_answer_of_the_wrong_shape_is_named(
    tmp_path: Path, vulnerabilities: object
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        if path.startswith("/pypi/"):
            body = release(vulnerabilities=vulnerabilities)
            return (200, "application/json", body)
        return None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        client(server, tmp_path).release("alpha", "1.0")
    assert str(caught.value) == (
        f"{server.url.replace('//', '//***@')}pypi/alpha/1.0/json is not a valid "
        f"JSON API document: 'vulnerabilities' is not a list"
    )


def test_metadata_with_a_nul_is_refused_naming_its_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        if path.endswith(".metadata"):
            return (200, "text/plain", b"Metadata-Version: 2.1\nName: al\0pha\n")
        return None

    with serve(index(route)) as server:
        code = review(server, tmp_path / "r")
    err = capsys.readouterr().err
    assert code == 1
    assert err == (
        f"accord: error: {server.url}files/{WHEEL}.metadata is not core "
        "metadata: it holds a NUL byte\n"
    )


def test_site_says_which_newest_releases_the_index_could_not_tell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("alpha  # MIT\n")
    (repo / "upper-constraints.txt").write_text("alpha===1.0\n")

    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, JSON_TYPE, b"[1]") if path == "/simple/alpha/" else None

    with serve(index(route)) as server:
        url = server.url.replace("http://", "http://user:s3cret@") + "simple/"
        code = main([
            "site", "--requirements", str(repo), "--out", str(tmp_path / "out"),
            "--index-url", url,
        ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0  # the site is built; the index's answer is named
    assert (
        f"note: newest release not shown for alpha: {server.url}simple/alpha/ is "
        "not a valid simple-API JSON page: not a JSON object\n"
    ) in err


def test_an_osv_answer_of_the_wrong_types_is_not_taken_at_its_word() -> None:
    from packaging.utils import canonicalize_name

    from accord.audit.osv import to_advisory

    document = {
        "id": ["GHSA-1"],
        "summary": {"text": "x"},
        "details": "Real details.",
        "references": [{"type": "ADVISORY", "url": "javascript:alert(1)"}],
    }
    advisory = to_advisory("GHSA-1", document, canonicalize_name("alpha"))
    assert advisory is not None
    assert (advisory.id, advisory.summary) == ("GHSA-1", "Real details.")
    assert advisory.link == "https://osv.dev/vulnerability/GHSA-1"


def test_an_osv_id_that_is_not_a_string_sends_audit_to_the_json_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("alpha  # MIT\n")
    (repo / "upper-constraints.txt").write_text("alpha===1.0\n")

    def route(path: str) -> tuple[int, str, bytes] | None:
        if path == "/v1/querybatch":
            return (200, "application/json", b'{"results": [{"vulns": [{"id": 5}]}]}')
        return None

    with serve(index(route)) as server:
        code = main([
            "audit", "--requirements", str(repo), "--index-url",
            server.url + "simple/", "--pypi-json-url", server.url + "pypi/",
            "--osv-url", server.url.rstrip("/"),
        ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured
    assert (
        f"{server.url}v1/querybatch is not a valid OSV querybatch answer: "
        "results.0: an id that is not a string: 5; using the JSON API"
    ) in captured.err


def drip(path: str, headers: dict[str, str]) -> Iterator[bytes | float]:
    """A page that never finishes: a byte a tenth of a second."""
    yield head(200, 10**6, Content_Type=JSON_TYPE)
    while True:
        yield b" "
        yield 0.1


@pytest.mark.parametrize("command", ["audit", "site", "bump"])
def test_a_page_that_never_finishes_ends_at_the_index_timeout(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.setenv("ACCORD_INDEX_TIMEOUT", "0.5")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")  # uv would ask the relay again
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("alpha  # MIT\n")
    (repo / "upper-constraints.txt").write_text("alpha===1.0\n")
    with serve(drip) as server:
        url = server.url.replace("http://", "http://user:s3cret@")
        more = {
            "audit": ["--osv-url", url.rstrip("/"), "--pypi-json-url", url + "pypi/"],
            "site": ["--out", str(tmp_path / "out")],
            "bump": ["alpha", "--python", "3.11"],
        }[command]
        name = ["constraints", "bump"] if command == "bump" else [command]
        code = main([
            *name, "--requirements", str(repo), "--index-url", url + "simple/", *more,
        ])  # fmt: skip
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err
    assert (repo / "upper-constraints.txt").read_text() == "alpha===1.0\n"
    # The URL as the pool asked for it (its credentials went as a header).
    said = f"{server.url}simple/alpha/: no complete answer within the request of 0.5 s"
    if command == "bump":  # the relay's reason, not uv's "502 Bad Gateway"
        assert code == 1
        assert f"failed on Python 3.11: {said}\n" in captured.out
    else:
        assert code == (0 if command == "site" else 1)
        assert said in captured.out + captured.err


@pytest.mark.parametrize("value", ["soon", "0", "-1", "nan", "inf"])
def test_an_index_timeout_that_is_not_a_number_of_seconds_is_bad_input(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
) -> None:
    monkeypatch.setenv("ACCORD_INDEX_TIMEOUT", value)
    (tmp_path / "global-requirements.txt").write_text("alpha  # MIT\n")
    (tmp_path / "upper-constraints.txt").write_text("alpha===1.0\n")
    code = main(["audit", "--requirements", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"accord: error: ACCORD_INDEX_TIMEOUT={value!r} is not a number of "
        "seconds above 0\n"
    )


@pytest.mark.parametrize("content_type", ["text/html", ""])
def test_a_json_page_that_says_it_is_html_is_named_not_read_as_empty(
    tmp_path: Path, content_type: str
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, content_type, page()) if path == "/simple/alpha/" else None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        client(server, tmp_path).project("alpha")
    assert str(caught.value) == (
        f"{server.url}simple/alpha/ is not a valid simple-API HTML page: "
        f"a JSON document served as {content_type or 'no Content-Type'!r}"
    )


def test_a_relay_that_fails_says_so_in_one_line_not_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    import urllib.error

    from accord.index._http import Fetcher
    from accord.index.relay import Relay

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    with Relay(["http://127.0.0.1:9/simple/"], Fetcher(None, 1, 0)) as relay:
        monkeypatch.setattr(relay, "page", broken)
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen(relay.url(0) + "alpha/", timeout=5)
    err = capfd.readouterr().err
    assert err == (
        "accord: note: the relay could not answer: RuntimeError: a bug; this is "
        "a bug in accord, please report it\n"
    )


def test_a_page_the_relay_cannot_rewrite_reaches_uv_as_a_bad_gateway() -> None:
    from accord.index._http import Fetcher
    from accord.index.relay import Relay

    body = b'<base href="//[zz"><a href="x.whl">x.whl</a>'

    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, "text/html", body) if path == "/simple/alpha/" else None

    with (
        serve(index(route)) as server,
        Relay([server.url + "simple/"], Fetcher(None, 2, 0)) as relay,
    ):
        reply = relay.page(0, "alpha")
    said = f"{server.url}simple/alpha/: not a simple-API page: Invalid IPv6 URL\n"
    assert (reply.status, reply.body) == (502, said.encode())


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param(
            JSON_TYPE,
            json.dumps(
                {"files": [json.loads(page())["files"][0], {"url": "//[zz/x.whl"}]}
            ).encode(),
            id="json",
        ),
        pytest.param(
            "text/html",
            f'<a href="../../files/{WHEEL}">{WHEEL}</a>'
            '<a href="//[zz/x.whl">x</a>'.encode(),
            id="html",
        ),
    ],
)
def test_a_link_the_relay_cannot_read_is_dropped_from_the_page(
    content_type: str, body: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    from accord.index._http import Fetcher
    from accord.index.relay import Relay

    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, content_type, body) if path == "/simple/alpha/" else None

    with (
        serve(index(route)) as server,
        Relay([server.url + "simple/"], Fetcher(None, 2, 0)) as relay,
    ):
        reply = relay.page(0, "alpha")
    assert reply.status == 200
    assert b"[zz" not in reply.body and WHEEL.encode() in reply.body
    assert capfd.readouterr().err == (
        "accord: note: the relay dropped a link it does not relay from the page "
        f"{server.url}simple/alpha/: //[zz/x.whl (not a URL: Invalid IPv6 URL)\n"
    )


def test_a_huge_value_of_the_wrong_type_is_named_in_a_short_line(
    tmp_path: Path,
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        if path.startswith("/pypi/"):
            body = json.dumps({"info": {"summary": ["x" * 1000] * 1000}}).encode()
            return (200, "application/json", body)
        return None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        client(server, tmp_path).release("alpha", "1.0")
    message = str(caught.value)
    assert "is not a valid JSON API document: expected a string, got ['xxx" in message
    assert len(message) < 200


def _wheel_with(change: Callable[[bytearray, int], None]) -> bytes:
    """A wheel whose METADATA member ``change`` spoils (given the bytes and
    the offset of the central directory entry)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("alpha-1.0.dist-info/METADATA", METADATA * 20)
    data = bytearray(buffer.getvalue())
    change(data, data.find(b"PK\x01\x02"))
    return bytes(data)


def _method_99(data: bytearray, central: int) -> None:
    data[8:10] = data[central + 10 : central + 12] = b"\x63\x00"


def _encrypted(data: bytearray, central: int) -> None:
    data[6:8] = data[central + 8 : central + 10] = b"\x01\x00"


def _corrupt(data: bytearray, central: int) -> None:
    data[30 + len("alpha-1.0.dist-info/METADATA")] ^= 0xFF  # the deflate stream


@pytest.mark.parametrize("change", [_method_99, _encrypted, _corrupt])
def test_a_wheel_whose_metadata_cannot_be_inflated_has_none(
    change: Callable[[bytearray, int], None],
) -> None:
    import io

    from accord.index._wheel import wheel_metadata

    wheel = io.BytesIO(_wheel_with(change))
    assert wheel_metadata(wheel, "http://index/files/alpha.whl") is None


def test_an_html_page_that_says_it_is_json_is_named_as_such(tmp_path: Path) -> None:
    body = b"<!DOCTYPE html><a href='x.whl'>alpha-1.0-py3-none-any.whl</a>"

    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, JSON_TYPE, body) if path == "/simple/alpha/" else None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        client(server, tmp_path).project("alpha")
    assert str(caught.value) == (
        f"{server.url}simple/alpha/ is not a valid simple-API JSON page: "
        f"an HTML document served as {JSON_TYPE!r}"
    )


def test_metadata_that_is_an_html_page_is_refused_naming_its_url(
    tmp_path: Path,
) -> None:
    """A proxy's login page, answered 200 for the .metadata file."""

    def route(path: str) -> tuple[int, str, bytes] | None:
        if path.endswith(".metadata"):
            return (200, "application/octet-stream", b"<html><h1>Sign in</h1>")
        return None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        mirror = client(server, tmp_path)
        mirror.latest_metadata(mirror.project("alpha"))
    assert str(caught.value) == (
        f"{server.url}files/{WHEEL}.metadata is not core metadata: "
        "no Metadata-Version field"
    )


def test_a_link_with_credentials_cannot_replace_the_index_s_own(
    tmp_path: Path,
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        if path == "/simple/alpha/":
            host = server.url.removeprefix("http://")
            return (200, JSON_TYPE, page(url=f"http://other:guess@{host}files/{WHEEL}"))
        return None

    with serve(index(route)) as server:
        mirror = client(server, tmp_path)
        mirror.latest_metadata(mirror.project("alpha"))
        mirror.release("alpha", "1.0")
    sent = {h.get("authorization") for h in server.headers}
    assert sent == {"Basic dXNlcjpzM2NyZXQ="}  # user:s3cret, every time


def test_waiting_for_a_release_masks_the_index_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from packaging.version import Version

    from accord.index.wait import ReleaseNotVisible, wait_for_release

    monkeypatch.setenv("ACCORD_INDEX_TIMEOUT", "0.5")
    with serve(drip) as server:  # the page never finishes
        url = server.url.replace("http://", "http://user:s3cret@") + "simple/"
        with pytest.raises(ReleaseNotVisible) as caught:
            wait_for_release(url, "alpha", Version("1.0"), 0.5, sleep=lambda _: None)
    assert str(caught.value) == (
        f"alpha 1.0 did not appear on {server.url.replace('//', '//***@')}simple/ "
        f"within 0.5s (1 poll(s); {server.url}simple/alpha/: no complete answer "
        "within the request of 0.5 s)"
    )


@pytest.mark.parametrize("error", ["AccordError", "RuntimeError"])
def test_no_error_line_shows_credentials(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: str
) -> None:
    """Whatever a message forgot to mask, the one line main prints masks."""
    import accord.cli
    from accord.errors import AccordError

    kind = {"AccordError": AccordError, "RuntimeError": RuntimeError}[error]

    def failing(**options: object) -> int:
        raise kind("https://user:s3cret@index.example/simple/ failed")

    monkeypatch.setattr(accord.cli, "handler", lambda name: failing)
    assert main(["audit"]) == 1
    err = capsys.readouterr().err
    assert "s3cret" not in err and "https://***@index.example/simple/" in err


def test_an_export_never_records_a_file_url_that_is_not_http() -> None:
    from packaging.version import Version

    from accord.export.gather import release_files
    from accord.index._simple import parse_json

    body = json.dumps({
        "meta": {"api-version": "1.1"}, "name": "alpha",
        "files": [
            {"filename": WHEEL, "url": f"file:///srv/{WHEEL}",
             "hashes": {"sha256": "ab" * 32}},
            {"filename": "alpha-1.0.tar.gz", "url": "https://files.example/a.tar.gz",
             "hashes": {"sha256": "cd" * 32}},
        ],
    }).encode()  # fmt: skip
    page = parse_json(body, "https://index.example/simple/alpha/", "alpha")  # type: ignore[arg-type]
    found = release_files(page, Version("1.0"))
    assert [f.url for f in found] == ["https://files.example/a.tar.gz"]


def test_what_a_server_says_reaches_the_terminal_without_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def garbage(path: str, headers: dict[str, str]) -> Iterator[bytes]:
        yield b"\x1b]0;owned\x07\x1b[2J not HTTP\r\n\r\n"

    with serve(garbage) as server:
        code = review(server, tmp_path / "r")
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "\x1b" not in err and "\r" not in err
    assert "not an HTTP answer: \\x1b]0;owned\\x07\\x1b[2J not HTTP" in err


def test_an_index_error_holds_no_control_character_wherever_it_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The reason phrase of a status is the server's own text: in audit's
    findings (stdout, JSON) as much as on stderr."""

    def evil(path: str, headers: dict[str, str]) -> Iterator[bytes]:
        body = b"no"
        yield b"HTTP/1.1 403 \x1b[2JGo away\x07\r\nContent-Length: 2\r\n\r\n" + body

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("alpha  # MIT\n")
    (repo / "upper-constraints.txt").write_text("alpha===1.0\n")
    with serve(evil) as server:
        code = main([
            "audit", "--requirements", str(repo), "--format", "json",
            "--index-url", server.url + "simple/", "--osv-url", server.url,
            "--pypi-json-url", server.url + "pypi/",
        ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    shown = " ".join(f["message"] for f in json.loads(captured.out)["findings"])
    assert f"HTTP 403 \\x1b[2JGo away\\x07 from {server.url}simple/alpha/" in shown
    assert "\x1b" not in shown + captured.err


@pytest.mark.parametrize(
    ("link", "asked"),
    [
        pytest.param("../../files/ü.whl", "/files/%C3%BC.whl.metadata", id="path"),
        pytest.param("../../files/x.whl?ü", "/files/x.whl?%C3%BC.metadata", id="query"),
    ],
)
def test_a_link_with_non_ascii_characters_is_asked_for_percent_encoded(
    tmp_path: Path, link: str, asked: str
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        return (200, JSON_TYPE, page(url=link)) if path == "/simple/alpha/" else None

    with serve(index(route)) as server:
        mirror = client(server, tmp_path)
        metadata = mirror.latest_metadata(mirror.project("alpha"))
    assert metadata is not None and metadata.license == "MIT"
    assert asked in server.paths


@pytest.mark.parametrize("host", ["a" * 70 + ".example", "a..example"])
def test_a_link_to_a_host_no_dns_name_can_be_is_refused(
    tmp_path: Path, host: str
) -> None:
    def route(path: str) -> tuple[int, str, bytes] | None:
        link = f"http://{host}/x.whl"
        return (200, JSON_TYPE, page(url=link)) if path == "/simple/alpha/" else None

    with serve(index(route)) as server, pytest.raises(IndexUnavailable) as caught:
        mirror = client(server, tmp_path)
        mirror.latest_metadata(mirror.project("alpha"))
    assert str(caught.value) == f"http://{host}/x.whl.metadata: bad host; not fetched"


def test_the_relay_serves_a_link_with_non_ascii_characters(tmp_path: Path) -> None:
    from accord.index._http import Fetcher
    from accord.index.relay import Relay

    def route(path: str) -> tuple[int, str, bytes] | None:
        if path == "/simple/alpha/":
            return (200, JSON_TYPE, page(url=f"../../files/ü/{WHEEL}"))
        return None

    with (
        serve(index(route)) as server,
        Relay([server.url + "simple/"], Fetcher(None, 2, 0)) as relay,
    ):
        link = json.loads(relay.page(0, "alpha").body)["files"][0]["url"]
        reply = relay.file("/" + link.removeprefix(relay.base) + ".metadata")
    assert link.isascii()  # uv asks for it as it is
    assert (reply.status, reply.body) == (200, METADATA)
    assert f"/files/%C3%BC/{WHEEL}.metadata" in server.paths


def test_text_from_an_index_reaches_no_output_as_an_escape_sequence(
    tmp_path: Path,
) -> None:
    """Summaries, licences, yank and status reasons are printed by review,
    audit and site: a control character in them is shown escaped."""
    from packaging.utils import canonicalize_name

    from accord.audit.osv import to_advisory

    def route(path: str) -> tuple[int, str, bytes] | None:
        if path == "/simple/alpha/":
            body = page(yanked="\x1b[2Jbroken")
            data = json.loads(body)
            data["project-status"] = {"status": "archived", "reason": "gone\x07"}
            return (200, JSON_TYPE, json.dumps(data).encode())
        if path.endswith(".metadata"):
            return (200, "text/plain", METADATA + b"Summary: a\x1b]0;t\x07b\n")
        if path.startswith("/pypi/"):
            return (200, "application/json", release(vulnerabilities=[
                {"id": "PYSEC-1", "summary": "x\x1b[31my", "fixed_in": []}
            ]))  # fmt: skip
        return None

    with serve(index(route)) as server:
        mirror = client(server, tmp_path)
        found = mirror.project("alpha")
        metadata = mirror.core_metadata(found.files[0])
        advisory = mirror.release("alpha", "1.0")
    assert found.files[0].yanked == "\\x1b[2Jbroken"
    assert found.status_reason == "gone\\x07"
    assert metadata is not None and metadata.summary == "a\\x1b]0;t\\x07b"
    assert advisory is not None
    assert advisory.vulnerabilities[0].summary == "x\\x1b[31my"
    document = {"id": "GHSA-1", "summary": "p\x9bq", "aliases": ["CVE\x1b-1"]}
    osv = to_advisory("GHSA-1", document, canonicalize_name("alpha"))
    assert osv is not None and (osv.summary, osv.aliases) == (
        "p\\x9bq",
        ("CVE\\x1b-1",),
    )


def test_after_three_requests_run_out_of_time_an_index_is_not_waited_on_again(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A dripping index would hold audit a request's time per pin (five
    minutes each, by default): three in a row, and the rest fail at once."""
    monkeypatch.setenv("ACCORD_INDEX_TIMEOUT", "0.3")
    repo = tmp_path / "repo"
    repo.mkdir()
    names = [f"lib{n}" for n in range(8)]
    (repo / "global-requirements.txt").write_text(
        "".join(f"{n}  # MIT\n" for n in names)
    )
    (repo / "upper-constraints.txt").write_text("".join(f"{n}===1.0\n" for n in names))
    with serve(drip) as server:
        code = main([
            "audit", "--requirements", str(repo), "-j", "1", "--format", "json",
            "--index-url", server.url + "simple/", "--osv-url", server.url,
            "--pypi-json-url", server.url + "pypi/",
        ])  # fmt: skip
        asked = list(server.paths)
    captured = capsys.readouterr()
    assert code == 1
    # Pages, OSV and the JSON API are one host: three stalls in all (and
    # what was already under way when the third came) are all it asks.
    assert len(asked) <= 5 < len(names), asked
    messages = [f["message"] for f in json.loads(captured.out)["findings"]]
    host = server.url.removeprefix("http://").rstrip("/")
    # Three at least: a request under way when the third ran out counts too
    # (on a loaded machine "4 requests").
    given_up = re.compile(
        rf"not asked: [3-5] requests to {re.escape(host)} ran out of time in this run"
    )
    assert sum(bool(given_up.search(m)) for m in messages) >= len(names) - 5, messages
