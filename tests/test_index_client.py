"""The index client against a local index server (no network)."""

from __future__ import annotations

import dataclasses
import datetime
import email.message
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from accord.errors import InputError
from accord.index._cache import max_age_of
from accord.index._http import redact
from accord.index._metadata import parse_core_metadata, split_keywords
from accord.index._simple import parse_html, parse_json, parse_page
from accord.index.client import IndexClient, IndexUnavailable, PackageNotFound
from accord.index.model import CoreMetadata, ProjectPage

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401

UTC = datetime.timezone.utc
FOO = canonicalize_name("foo")

FORMATS = [
    pytest.param(True, id="json"),
    pytest.param(False, id="html"),
]

URL_STYLES = [
    pytest.param(True, False, id="json-relative"),
    pytest.param(True, True, id="json-absolute"),
    pytest.param(False, False, id="html-relative"),
    pytest.param(False, True, id="html-absolute"),
]

RETRIED_STATUSES = [
    pytest.param(500, id="500"),
    pytest.param(502, id="502"),
    pytest.param(503, id="503"),
    pytest.param(429, id="429"),
]

NOT_RETRIED_STATUSES = [
    pytest.param(401, id="401"),
    pytest.param(403, id="403"),
]

REDIRECTS = [
    pytest.param("127.0.0.1", True, id="same-host"),
    pytest.param("localhost", False, id="other-host"),
]

FRESHNESS = [
    pytest.param("max-age=600, public", None, 600, id="max-age"),
    pytest.param("public, max-age=600", "100", 500, id="less-age"),
    pytest.param("max-age=10", "50", 0, id="older-than-max-age"),
    pytest.param("s-maxage=600", None, None, id="shared-only"),
    pytest.param("no-cache", None, 0, id="no-cache"),
    pytest.param(None, None, None, id="absent"),
]

REDACTIONS = [
    pytest.param("https://user:secret@host/simple/", id="user-password"),
    pytest.param("https://secret@host/simple/", id="token-only"),
    pytest.param("https://__token__:secret@host:8080/x?y=1", id="port-query"),
]

KEYWORDS = [
    pytest.param("a,b , c", ("a", "b", "c"), id="commas"),
    pytest.param("a b  c", ("a", "b", "c"), id="spaces"),
    pytest.param("web framework, http", ("web framework", "http"), id="phrases"),
    pytest.param("", (), id="empty"),
]

FILENAMES = [
    pytest.param("Foo_Bar-1.0-py3-none-any.whl", "1.0", id="wheel"),
    pytest.param("foo_bar-2.0rc1.tar.gz", "2.0rc1", id="sdist"),
    pytest.param("foo-bar-1.2.zip", "1.2", id="zip-dashed-name"),
    pytest.param("foo-bar-0.9.tar.bz2", "0.9", id="legacy-bz2"),
    pytest.param("foo_bar-1.1-py2.7.egg", "1.1", id="egg"),
    pytest.param("foo-bar-latest.tar.gz", None, id="not-a-version"),
    pytest.param("other-1.0.tar.bz2", None, id="other-project"),
    pytest.param("README.txt", None, id="not-a-distribution"),
]

TIMES = [
    pytest.param("2024-01-02T03:04:05Z", (2024, 1, 2, 3, 4, 5, 0), id="zulu"),
    pytest.param(
        "2023-05-22T15:12:44.175012Z", (2023, 5, 22, 15, 12, 44, 175012), id="micro"
    ),
    pytest.param("2023-05-22T15:12:44.1Z", (2023, 5, 22, 15, 12, 44, 100000), id="1"),
    pytest.param(
        "2023-05-22T15:12:44.123456789+00:00",
        (2023, 5, 22, 15, 12, 44, 123456),
        id="nanos",
    ),
    pytest.param("2024-01-02", (2024, 1, 2, 0, 0, 0, 0), id="date"),
]

FULL = Release(
    "2.0",
    "2024-03-04",
    requires_python=">=3.9",
    summary="A library",
    license_expression="Apache-2.0 OR MIT",
    classifiers=[
        "License :: OSI Approved :: Apache Software License",
        "Programming Language :: Python :: 3",
    ],
    requires_dist=["requests>=2", 'tomli; python_version < "3.11"'],
    keywords=["http", "client"],
)
PROJECT_URLS = {"Source": "https://example.org/src", "Docs": "https://example.org/d"}


def client(
    index: TestIndex,
    tmp_path: Path,
    *,
    timeout: float = 15.0,
    retries: int = 3,
    max_workers: int = 16,
) -> IndexClient:
    """A client of ``index`` with a fresh cache and no backoff sleeps."""
    made = IndexClient(
        index.simple_url,
        index.pypi_json_url,
        cache_dir=tmp_path / f"cache-{time.monotonic_ns()}",
        timeout=timeout,
        retries=retries,
        max_workers=max_workers,
    )
    made.fetcher.backoff = 0.0
    return made


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- the simple API ----------------------------------------------------------


def test_json_and_html_give_the_same_page(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add(
        "Foo.Bar",
        [Release("1.0", yanked="broken", requires_python=">=3.8,<4"), FULL],
    )
    from_json = client(test_index, tmp_path).project("foo.bar")
    test_index.json_api = False
    from_html = client(test_index, tmp_path).project("foo.bar")

    assert (
        test_index.log[0]
        .headers["accept"]
        .startswith("application/vnd.pypi.simple.v1+json")
    )
    assert all(f.upload_time is not None for f in from_json.files)
    assert all(f.size is not None for f in from_json.files)
    # PEP 700's times and sizes are JSON-only; the hashes come either way.
    without_times = tuple(
        dataclasses.replace(f, upload_time=None, size=None) for f in from_json.files
    )
    assert dataclasses.replace(from_json, files=without_times) == from_html
    assert all(len(f.digest() or "") == 64 for f in from_html.files)
    assert from_html.name == "foo-bar"
    assert len(from_html.files) == 4


@pytest.mark.parametrize(("json_api", "absolute"), URL_STYLES)
def test_file_urls_are_absolute(
    test_index: TestIndex, tmp_path: Path, json_api: bool, absolute: bool
) -> None:
    test_index.json_api, test_index.absolute_urls = json_api, absolute
    test_index.add("alpha", [Release("1.0")])
    page = client(test_index, tmp_path).project("alpha")
    wheel, sdist = page.files
    assert wheel.url == test_index.base_url + "files/alpha-1.0-py3-none-any.whl"
    assert wheel.metadata_url == wheel.url + ".metadata"
    assert wheel.is_wheel and not sdist.is_wheel
    assert sdist.url == test_index.base_url + "files/alpha-1.0.tar.gz"
    assert sdist.metadata_url is None
    assert [f.version for f in page.files] == [Version("1.0")] * 2


@pytest.mark.parametrize(
    ("page_url", "href", "expected"),
    [
        ("http://h/simple/a/", "../../files/a-1.whl", "http://h/files/a-1.whl"),
        ("http://h/simple/a/", "a-1.whl#sha256=ab", "http://h/simple/a/a-1.whl"),
        ("http://h/simple/a/", "./x/../a-1.whl", "http://h/simple/a/a-1.whl"),
        ("http://h/simple/a/", "/files/a-1.whl", "http://h/files/a-1.whl"),
        ("http://h/simple/a/", "//cdn/a-1.whl", "http://cdn/a-1.whl"),
        ("http://h/simple/a/", "https://f/p/a-1.whl#md5=1", "https://f/p/a-1.whl"),
        ("http://h/simple/a/", "HTTPS://f/a-1.whl", "HTTPS://f/a-1.whl"),
        ("http://h/simple/a/", "http://f/a-1.whl?", "http://f/a-1.whl"),
        ("http://h/simple/a/", "../../../../a-1.whl", "http://h/a-1.whl"),
        ("http://h//s/a/", "a-1.whl", "http://h/s/a/a-1.whl"),
        ("http://h/simple/a", "a-1.whl", "http://h/simple/a-1.whl"),
        ("http://h/simple/a/?x=1", "a-1.whl", "http://h/simple/a/a-1.whl"),
        ("http://h/s/", "a b.whl", "http://h/s/a b.whl"),
    ],
)
def test_file_urls_resolve_as_urljoin_does(
    page_url: str, href: str, expected: str
) -> None:
    """Relative, absolute and odd file links: each resolved against the page
    (HTML and JSON alike), the fragment dropped."""
    body = json.dumps(
        {
            "meta": {"api-version": "1.1"},
            "name": "a",
            "files": [{"filename": "a-1.whl", "url": href, "hashes": {}}],
        }
    ).encode()
    page = parse_json(body, page_url, canonicalize_name("a"))
    assert [f.url for f in page.files] == [expected]


@pytest.mark.parametrize("json_api", FORMATS)
def test_yanked_and_upload_time(
    test_index: TestIndex, tmp_path: Path, json_api: bool
) -> None:
    test_index.json_api = json_api
    test_index.add(
        "alpha",
        [
            Release("1.0", "2023-05-22T15:12:44.175012", yanked="broken build"),
            Release("1.1", "2024-01-02", yanked=""),
            Release("1.2", "2024-02-03"),
        ],
    )
    page = client(test_index, tmp_path).project("alpha")
    yanked = {str(f.version): f.yanked for f in page.files}
    assert yanked == {"1.0": "broken build", "1.1": "", "1.2": None}
    times = {str(f.version): f.upload_time for f in page.files}
    if json_api:
        assert times == {
            "1.0": datetime.datetime(2023, 5, 22, 15, 12, 44, 175012, tzinfo=UTC),
            "1.1": datetime.datetime(2024, 1, 2, tzinfo=UTC),
            "1.2": datetime.datetime(2024, 2, 3, tzinfo=UTC),
        }
    else:  # PEP 503 HTML cannot carry upload times
        assert set(times.values()) == {None}


@pytest.mark.parametrize("json_api", FORMATS)
def test_requires_python_survives_html_escaping(
    test_index: TestIndex, tmp_path: Path, json_api: bool
) -> None:
    test_index.json_api = json_api
    test_index.add("alpha", [Release("1.0", requires_python=">=3.8,<4,!=3.9.*")])
    page = client(test_index, tmp_path).project("alpha")
    assert {f.requires_python for f in page.files} == {">=3.8,<4,!=3.9.*"}
    if not json_api:
        html = (test_index.root / "simple" / "alpha" / "index.html").read_text()
        assert "&gt;=3.8,&lt;4" in html


@pytest.mark.parametrize("json_api", FORMATS)
def test_versions_sort_as_versions(
    test_index: TestIndex, tmp_path: Path, json_api: bool
) -> None:
    test_index.json_api = json_api
    test_index.add(
        "alpha", [Release(v) for v in ("10.0", "9.0", "2.0rc1", "1.0.post1", "1.0")]
    )
    page = client(test_index, tmp_path).project("alpha")
    assert page.versions == tuple(
        Version(v) for v in ("1.0", "1.0.post1", "2.0rc1", "9.0", "10.0")
    )
    assert [str(f.version) for f in page.files_for(Version("9.0"))] == ["9.0", "9.0"]


def test_names_are_normalized(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("Zope.Interface", [Release("6.0")])
    page = client(test_index, tmp_path).project("ZOPE_interface")
    assert page.name == "zope-interface"
    assert test_index.requests == ["/simple/zope-interface/"]


# -- PEP 658 metadata and the JSON API ---------------------------------------


@pytest.mark.parametrize("json_api", FORMATS)
def test_core_metadata(test_index: TestIndex, tmp_path: Path, json_api: bool) -> None:
    test_index.json_api = json_api
    test_index.add("alpha", [FULL], project_urls=PROJECT_URLS)
    index = client(test_index, tmp_path)
    wheel, sdist = index.project("alpha").files
    assert index.core_metadata(sdist) is None
    assert index.core_metadata(wheel) == CoreMetadata(
        name="alpha",
        version="2.0",
        summary="A library",
        license_expression="Apache-2.0 OR MIT",
        classifiers=tuple(FULL.classifiers),
        requires_python=">=3.9",
        requires_dist=("requests>=2", 'tomli; python_version < "3.11"'),
        keywords=("http", "client"),
        project_urls=tuple(PROJECT_URLS.items()),
    )


def test_core_metadata_missing_file_is_none(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    wheel = index.project("alpha").files[0]
    (test_index.root / "files" / "alpha-1.0-py3-none-any.whl.metadata").unlink()
    assert index.core_metadata(wheel) is None


def test_release_with_vulnerabilities(test_index: TestIndex, tmp_path: Path) -> None:
    vulnerable = dataclasses.replace(
        FULL,
        version="1.0",
        license="BSD",
        vulnerabilities=[
            {
                "id": "PYSEC-2024-1",
                "details": "Bad  things\nhappen.",
                "aliases": ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"],
                "fixed_in": ["1.1"],
                "link": "https://osv.dev/vulnerability/PYSEC-2024-1",
            },
            {"id": "GHSA-x", "summary": "Short summary", "details": "Long."},
            {"id": "PYSEC-OLD", "withdrawn": "2024-02-01T00:00:00Z"},
        ],
    )
    test_index.add(
        "alpha",
        [vulnerable, FULL],
        project_urls=PROJECT_URLS,
        home_page="https://alpha.example",
    )
    index = client(test_index, tmp_path)
    release = index.release("alpha", "1.0")
    assert release is not None
    assert (release.name, release.version, release.yanked) == ("alpha", "1.0", False)
    assert [v.id for v in release.vulnerabilities] == ["PYSEC-2024-1", "GHSA-x"]
    first, second = release.vulnerabilities
    assert first.summary == "Bad things happen."
    assert first.aliases == ("CVE-2024-0001", "GHSA-aaaa-bbbb-cccc")
    assert first.fixed_in == ("1.1",)
    assert first.link == "https://osv.dev/vulnerability/PYSEC-2024-1"
    assert second.summary == "Short summary"
    metadata = release.metadata
    assert metadata.license == "BSD"
    assert metadata.license_expression == "Apache-2.0 OR MIT"
    assert metadata.keywords == ("http", "client")
    assert metadata.home_page == "https://alpha.example"
    assert metadata.project_urls == tuple(PROJECT_URLS.items())
    assert metadata.requires_dist == tuple(FULL.requires_dist)

    latest = index.release("Alpha")
    assert latest is not None and latest.version == "2.0"
    assert latest.vulnerabilities == ()
    assert "/pypi/alpha/json" in test_index.requests


def test_release_yanked(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("alpha", [Release("1.0", yanked="oops"), Release("0.9")])
    release = client(test_index, tmp_path).release("alpha", "1.0")
    assert release is not None
    assert (release.yanked, release.yanked_reason) == (True, "oops")


def test_release_absent_is_none(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    assert index.release("alpha", "9.9") is None
    assert index.release("nothing") is None
    no_json = IndexClient(test_index.simple_url, None, cache_dir=tmp_path / "c")
    assert no_json.release("alpha") is None
    assert "/pypi/alpha/json" not in test_index.requests


def test_malformed_json_api_is_index_unavailable(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add("alpha", [Release("1.0")])
    (test_index.root / "pypi" / "alpha" / "json").write_text('{"info": 3}')
    with pytest.raises(IndexUnavailable, match=r"/pypi/alpha/json is not a valid"):
        client(test_index, tmp_path).release("alpha")


def test_latest_metadata_prefers_pep_658(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add(
        "alpha",
        [FULL, Release("3.0", yanked="bad"), Release("4.0b1"), Release("1.0")],
    )
    index = client(test_index, tmp_path)
    metadata = index.latest_metadata(index.project("alpha"))
    assert metadata is not None and metadata.version == "2.0"
    assert metadata.summary == "A library"
    assert "/files/alpha-2.0-py3-none-any.whl.metadata" in test_index.requests
    assert not any(path.startswith("/pypi/") for path in test_index.requests)


@pytest.mark.parametrize(
    "release",
    [
        pytest.param(dataclasses.replace(FULL, wheel=False), id="sdist-only"),
        pytest.param(dataclasses.replace(FULL, metadata=False), id="no-metadata"),
    ],
)
def test_latest_metadata_falls_back_to_json_api(
    test_index: TestIndex, tmp_path: Path, release: Release
) -> None:
    test_index.add("alpha", [Release("1.0"), release])
    index = client(test_index, tmp_path)
    metadata = index.latest_metadata(index.project("alpha"))
    assert metadata is not None
    assert (metadata.version, metadata.summary) == ("2.0", "A library")
    assert metadata.classifiers == tuple(FULL.classifiers)
    assert "/pypi/alpha/2.0/json" in test_index.requests
    assert not any(path.endswith(".metadata") for path in test_index.requests)

    # Neither PEP 658 nor a JSON API (a bare mirror): the wheel itself is
    # read, and an sdist-only release has no metadata to give.
    no_json = IndexClient(test_index.simple_url, None, cache_dir=tmp_path / "c")
    from_wheel = no_json.latest_metadata(no_json.project("alpha"))
    if release.wheel:
        assert from_wheel is not None and from_wheel.summary == "A library"
        assert "/files/alpha-2.0-py3-none-any.whl" in test_index.requests
    else:
        assert from_wheel is None


def test_latest_metadata_of_a_given_version(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add("alpha", [Release("1.0", summary="old"), FULL])
    index = client(test_index, tmp_path)
    metadata = index.latest_metadata(index.project("alpha"), Version("1.0"))
    assert metadata is not None and metadata.summary == "old"
    assert index.latest_metadata(index.project("alpha"), Version("7")) is None


def test_latest_metadata_only_prereleases(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add("alpha", [Release("1.0a1"), Release("1.0b2"), Release("0.1.dev1")])
    index = client(test_index, tmp_path)
    metadata = index.latest_metadata(index.project("alpha"))
    assert metadata is not None and metadata.version == "1.0b2"


# -- errors, retries, credentials --------------------------------------------


def test_package_not_found(test_index: TestIndex, tmp_path: Path) -> None:
    with pytest.raises(PackageNotFound) as caught:
        client(test_index, tmp_path).project("reqeusts")
    assert str(caught.value) == f"no project 'reqeusts' on {test_index.simple_url}"
    assert caught.value.name == "reqeusts"
    assert isinstance(caught.value, InputError)
    assert test_index.requests == ["/simple/reqeusts/"]  # a 404 is not retried


@pytest.mark.parametrize("status", RETRIED_STATUSES)
def test_retries_recover(test_index: TestIndex, tmp_path: Path, status: int) -> None:
    test_index.add("alpha", [Release("1.0")])
    test_index.fail("alpha", times=2, status=status)
    page = client(test_index, tmp_path, retries=3).project("alpha")
    assert page.versions == (Version("1.0"),)
    assert [entry.status for entry in test_index.log] == [status, status, 200]


def test_index_unavailable_after_retries(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("alpha", [Release("1.0")])
    test_index.fail("alpha", times=10)
    with pytest.raises(IndexUnavailable) as caught:
        client(test_index, tmp_path, retries=2).project("alpha")
    url = test_index.simple_url + "alpha/"
    assert str(caught.value) == (
        f"HTTP 500 Internal Server Error from {url} (after 3 attempts)"
    )
    assert caught.value.url == url
    assert len(test_index.requests) == 3


@pytest.mark.parametrize("status", NOT_RETRIED_STATUSES)
def test_client_errors_are_not_retried(
    test_index: TestIndex, tmp_path: Path, status: int
) -> None:
    test_index.fail("alpha", times=5, status=status)
    with pytest.raises(IndexUnavailable, match=f"HTTP {status} "):
        client(test_index, tmp_path).project("alpha")
    assert len(test_index.requests) == 1


def test_unreachable_index_redacts_credentials(tmp_path: Path) -> None:
    url = f"http://user:secret@127.0.0.1:{closed_port()}/simple/"
    index = IndexClient(url, None, cache_dir=tmp_path, retries=1)
    index.fetcher.backoff = 0.0
    with pytest.raises(IndexUnavailable) as caught:
        index.project("alpha")
    message = str(caught.value)
    assert message.startswith(f"cannot reach {redact(url)}alpha/: ")
    assert message.endswith("(after 2 attempts)")
    assert "secret" not in message and "user" not in message
    assert "***@127.0.0.1" in message


def test_http_error_redacts_credentials(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.fail("alpha", times=5, status=503)
    url = test_index.with_credentials(test_index.simple_url, "user", "secret")
    index = IndexClient(url, None, cache_dir=tmp_path, retries=0)
    with pytest.raises(IndexUnavailable) as caught:
        index.project("alpha")
    assert "secret" not in str(caught.value)
    assert "***@127.0.0.1" in str(caught.value)


def test_not_found_redacts_credentials(test_index: TestIndex, tmp_path: Path) -> None:
    url = test_index.with_credentials(test_index.simple_url, "user", "secret")
    with pytest.raises(PackageNotFound) as caught:
        IndexClient(url, None, cache_dir=tmp_path).project("alpha")
    assert "secret" not in str(caught.value)


def test_credentials_are_sent_to_the_index_host(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.auth = ("user", "s3cr:et")
    test_index.add("alpha", [FULL])
    with pytest.raises(IndexUnavailable, match="HTTP 401"):
        client(test_index, tmp_path).project("alpha")
    url = test_index.with_credentials(test_index.simple_url, "user", "s3cr%3Aet")
    index = IndexClient(url, None, cache_dir=tmp_path / "auth")
    page = index.project("alpha")
    assert all("@" not in f.url for f in page.files)
    metadata = index.core_metadata(page.files[0])  # a relative link, same host
    assert metadata is not None and metadata.version == "2.0"
    entries = (tmp_path / "auth").rglob("*")
    cached = b"".join(p.read_bytes() for p in entries if p.is_file())
    assert cached
    assert b"s3cr" not in cached


@pytest.mark.parametrize(("host", "sent"), REDIRECTS)
def test_redirects_keep_credentials_on_the_same_host(
    test_index: TestIndex, tmp_path: Path, host: str, sent: bool
) -> None:
    test_index.add("beta", [Release("1.0")])
    port = test_index.base_url.rstrip("/").rsplit(":", 1)[1]
    test_index.redirect("alpha", f"http://{host}:{port}/simple/beta/")
    url = test_index.with_credentials(test_index.simple_url, "user", "secret")
    page = IndexClient(url, None, cache_dir=tmp_path).project("alpha")
    assert page.files[0].url == f"http://{host}:{port}/files/beta-1.0-py3-none-any.whl"
    first, second = test_index.log
    assert "authorization" in first.headers
    assert ("authorization" in second.headers) is sent


def test_a_proxy_in_the_environment_is_used(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``http_proxy`` set, pages come through the proxy (urllib's path,
    not the direct keep-alive pool): here for a host only the proxy knows."""
    test_index.add("alpha", [FULL])
    asked: list[str] = []
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)  # absolute: http://index.invalid/...
            path = urllib.parse.urlsplit(self.path).path
            request = urllib.request.Request(
                test_index.base_url.rstrip("/") + path,
                headers={"Accept": self.headers.get("Accept", "*/*")},
            )
            with direct.open(request) as reply:
                body = reply.read()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.headers["Content-Type"])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.server_port}")
        index = IndexClient("http://index.invalid/simple/", None, cache_dir=tmp_path)
        page = index.project("alpha")
    finally:
        server.shutdown()
        server.server_close()
    assert [str(v) for v in page.versions] == ["2.0"]
    assert asked == ["http://index.invalid/simple/alpha/"]


def test_timeout(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("alpha", [Release("1.0")])
    test_index.stall("alpha", 1.0)
    with pytest.raises(IndexUnavailable, match=r"cannot reach .*/simple/alpha/: "):
        client(test_index, tmp_path, timeout=0.2, retries=0).project("alpha")


@pytest.mark.parametrize(
    "url", [pytest.param("pypi.org/simple", id="no-scheme"), pytest.param("ftp://x/")]
)
def test_bad_index_url(url: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not an http"):
        IndexClient(url, cache_dir=tmp_path)


@pytest.mark.parametrize("url", REDACTIONS)
def test_redact(url: str) -> None:
    shown = redact(url)
    assert "secret" not in shown and "***@host" in shown
    assert redact("https://host/simple/") == "https://host/simple/"


# -- the cache ---------------------------------------------------------------


def test_revalidates_with_etag(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("alpha", [Release("1.0")])
    first = client(test_index, tmp_path)
    page = first.project("alpha")
    second = IndexClient(test_index.simple_url, None, cache_dir=first.cache_dir)
    assert second.project("alpha") == page
    initial, revalidation = test_index.log
    assert "if-none-match" not in initial.headers
    assert revalidation.headers["if-none-match"].startswith('"')
    assert "if-modified-since" in revalidation.headers
    assert (initial.status, revalidation.status) == (200, 304)


def test_changed_page_is_fetched_again(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    assert index.project("alpha").versions == (Version("1.0"),)
    test_index.add("alpha", [Release("1.0"), Release("1.1")])
    assert index.project("alpha").versions == (Version("1.0"), Version("1.1"))
    assert [entry.status for entry in test_index.log] == [200, 200]


def test_max_age_makes_no_request(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.max_age = 600
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    page = index.project("alpha")
    release = index.release("alpha", "1.0")
    test_index.clear_requests()
    assert index.project("alpha") == page
    assert index.release("alpha", "1.0") == release
    again = IndexClient(test_index.simple_url, None, cache_dir=index.cache_dir)
    assert again.project("alpha") == page
    assert test_index.requests == []


def test_max_age_zero_revalidates(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.max_age = 0
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    index.project("alpha")
    index.project("alpha")
    assert [entry.status for entry in test_index.log] == [200, 304]


def test_a_304_touches_the_entry_without_writing_it(
    test_index: TestIndex, tmp_path: Path
) -> None:
    """A revalidation that changes nothing keeps the cached bytes (the same
    file, not rewritten) and makes the entry fresh again for its max-age."""
    test_index.max_age = 60
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    page = index.project("alpha")
    (entry,) = (p for p in index.cache_dir.rglob("*") if p.is_file())
    head, _, body = entry.read_bytes().partition(b"\n")
    meta = json.loads(head)
    stale = meta["fetched"] - 120
    entry.write_bytes(json.dumps({**meta, "fetched": stale}).encode() + b"\n" + body)
    os.utime(entry, (stale, stale))
    before = entry.stat()
    assert index.project("alpha") == page  # stale: revalidated
    after = entry.stat()
    assert after.st_ino == before.st_ino and entry.read_bytes().endswith(body)
    assert after.st_mtime > before.st_mtime + 100
    assert index.project("alpha") == page  # fresh again: no request
    assert [entry.status for entry in test_index.log] == [200, 304]


@pytest.mark.parametrize("json_api", FORMATS)
def test_an_unchanged_page_is_not_parsed_again(
    test_index: TestIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    json_api: bool,
) -> None:
    """A page parsed once comes back parsed as it was, every field, when
    the cache answers with the same body (a 304), without parsing it again;
    a changed one is parsed."""
    test_index.json_api = json_api
    many = [Release(f"0.{n}", summary="x" * 200) for n in range(40)]
    test_index.add("alpha", [*many, Release("1.0", yanked="broken"), FULL])
    test_index.set_status("alpha", "deprecated", "use beta")
    first = client(test_index, tmp_path)
    page = first.project("alpha")  # a cold run keeps what it parsed
    monkeypatch.setattr("accord.index.client.parse_page", _no_parse)
    assert first.project("alpha") == page  # a 304: read back parsed
    again = IndexClient(test_index.simple_url, None, cache_dir=first.cache_dir)
    assert again.project("alpha") == page
    assert [f.version for f in again.project("alpha").files] == [
        f.version for f in page.files
    ]
    assert [entry.status for entry in test_index.log] == [200, 304, 304, 304]
    test_index.add("alpha", [*many, Release("1.0"), Release("1.1")])
    with pytest.raises(AssertionError, match="parsed again"):
        again.project("alpha")


def test_a_warm_run_does_not_import_the_parser(
    test_index: TestIndex, tmp_path: Path
) -> None:
    """Small pages are kept parsed too: the run after a cold one reads every
    page back and never imports pypi-simple (with bs4 and pydantic, about
    0.3 s), which the cold run needed."""
    test_index.add("alpha", [Release("1.0")])
    test_index.add("beta", [Release("2.0", yanked="")])
    script = (
        "import sys; from pathlib import Path;"
        "from accord.index.client import IndexClient;"
        f"c = IndexClient({test_index.simple_url!r}, None,"
        " cache_dir=Path(sys.argv[1]));"
        "pages = c.projects(['alpha', 'beta']);"
        "print(sorted(str(p.versions) for p in pages.values()),"
        " 'pypi_simple' in sys.modules)"
    )
    cache = tmp_path / "http"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(cache)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    cold, warm = (line.rsplit(" ", 1) for line in runs)
    assert cold[1].strip() == "True" and warm[1].strip() == "False"
    assert cold[0] == warm[0]
    assert [entry.status for entry in test_index.log][-2:] == [304, 304]


def _no_parse(*args: object) -> ProjectPage:
    raise AssertionError("parsed again")


def test_a_damaged_parsed_page_is_parsed_again(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add("alpha", [*(Release(f"0.{n}") for n in range(40)), FULL])
    index = client(test_index, tmp_path)
    page = index.project("alpha")
    index.project("alpha")  # the cache answers: the parsed page is kept
    kept = [p for p in (index.cache_dir.parent / "pages").rglob("*") if p.is_file()]
    assert len(kept) == 1
    for damage in [b"garbage", b'{"format": 1}', kept[0].read_bytes()[:-9]]:
        kept[0].write_bytes(damage)
        assert index.project("alpha") == page


def test_a_page_kept_by_an_older_parser_is_parsed_again(
    test_index: TestIndex, tmp_path: Path
) -> None:
    """A record written in an older format (accord's own parser, before
    pypi-simple) is not trusted: the page is read again, not the record."""
    test_index.add("alpha", [*(Release(f"0.{n}") for n in range(40)), FULL])
    index = client(test_index, tmp_path)
    page = index.project("alpha")
    (kept,) = (p for p in (index.cache_dir.parent / "pages").rglob("*") if p.is_file())
    record = json.loads(kept.read_bytes())
    record["format"] -= 1
    record["page"]["files"] = []  # what an older reading might have kept
    kept.write_text(json.dumps(record))
    assert index.project("alpha") == page


def test_cache_layout(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.max_age = 60
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    index.project("alpha")
    (entry,) = (p for p in index.cache_dir.rglob("*") if p.is_file())
    assert entry.parent.parent == index.cache_dir
    assert len(entry.name) == 64 and entry.name.startswith(entry.parent.name)
    head, _, body = entry.read_bytes().partition(b"\n")
    meta = json.loads(head)
    assert meta["url"] == test_index.simple_url + "alpha/"
    assert meta["etag"].startswith('"') and meta["max_age"] == 60
    assert json.loads(body)["name"] == "alpha"


def test_damaged_cache_entry_is_a_miss(test_index: TestIndex, tmp_path: Path) -> None:
    test_index.max_age = 60
    test_index.add("alpha", [Release("1.0")])
    index = client(test_index, tmp_path)
    page = index.project("alpha")
    for entry in index.cache_dir.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"garbage")
    assert index.project("alpha") == page
    assert [entry.status for entry in test_index.log] == [200, 200]


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert IndexClient().cache_dir == tmp_path / "accord" / "http"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".cache" / "accord" / "http"
    assert IndexClient().cache_dir == expected


@pytest.mark.parametrize(("control", "age", "expected"), FRESHNESS)
def test_freshness(control: str | None, age: str | None, expected: int | None) -> None:
    headers = email.message.Message()
    if control is not None:
        headers["Cache-Control"] = control
    if age is not None:
        headers["Age"] = age
    assert max_age_of(control or "", headers) == expected


# -- many projects -----------------------------------------------------------


def test_projects_reports_errors_per_name(
    test_index: TestIndex, tmp_path: Path
) -> None:
    test_index.add("alpha", [Release("1.0")])
    test_index.add("beta", [Release("2.0")])
    test_index.fail("beta", times=10, status=503)
    results = client(test_index, tmp_path, retries=1).projects(
        ["alpha", "nope", "beta", "alpha"]
    )
    assert list(results) == ["alpha", "nope", "beta"]
    assert isinstance(results["alpha"], ProjectPage)
    assert isinstance(results["nope"], PackageNotFound)
    assert isinstance(results["beta"], IndexUnavailable)
    assert client(test_index, tmp_path).projects([]) == {}


def test_projects_concurrently(test_index: TestIndex, tmp_path: Path) -> None:
    names = [f"project-{n}" for n in range(20)]
    for number, name in enumerate(names):
        test_index.add(name, [Release(f"{number}.0")])
        test_index.stall(name, 0.3)
    started = time.monotonic()
    results = client(test_index, tmp_path, max_workers=16).projects(names)
    elapsed = time.monotonic() - started
    assert list(results) == names
    for number, name in enumerate(names):
        page = results[name]
        assert isinstance(page, ProjectPage)
        assert page.versions == (Version(f"{number}.0"),)
    assert sorted(test_index.requests) == sorted(f"/simple/{n}/" for n in names)
    assert elapsed < 3.0  # one after another would take 6 s


# -- parsing details (no server) ---------------------------------------------


def _json_page(*files: dict[str, object], **fields: object) -> bytes:
    document = {"meta": {"api-version": "1.1"}, "name": "foo-bar", "files": files}
    return json.dumps({**document, **fields}).encode()


def _entry(filename: str, **fields: object) -> dict[str, object]:
    return {"filename": filename, "url": filename, "hashes": {}, **fields}


@pytest.mark.parametrize(("filename", "version"), FILENAMES)
def test_a_files_version_is_read_from_its_name(
    filename: str, version: str | None
) -> None:
    expected = None if version is None else Version(version)
    url = "https://index.example/simple/foo-bar/"
    name = canonicalize_name("foo-bar")
    (file,) = parse_json(_json_page(_entry(filename)), url, name).files
    assert file.version == expected
    body = f'<a href="{filename}">{filename}</a>'.encode()
    (file,) = parse_html(body, url, name).files
    assert file.version == expected


@pytest.mark.parametrize(("text", "parts"), TIMES)
def test_upload_times_are_read_in_utc(text: str, parts: tuple[int, ...]) -> None:
    year, month, day, hour, minute, second, micro = parts
    expected = datetime.datetime(
        year, month, day, hour, minute, second, micro, tzinfo=UTC
    )
    body = _json_page(_entry("foo-1.0.tar.gz", **{"upload-time": text}))
    (file,) = parse_json(body, "https://index.example/simple/foo/", FOO).files
    assert file.upload_time == expected
    assert file.upload_time.tzinfo == UTC


def test_a_page_with_a_malformed_file_entry_is_refused() -> None:
    """pypi-simple validates every entry: a time that is no time, a yank
    that is neither a flag nor a reason, hashes missing, is an unreadable
    page with the place named, never a traceback."""
    url = "https://index.example/simple/foo/"
    for entry, where in [
        (_entry("foo-1.0.tar.gz", **{"upload-time": "yesterday"}), "upload-time"),
        (_entry("foo-1.0.tar.gz", yanked=3), "yanked"),
        ({"filename": "foo-1.0.tar.gz", "url": "x"}, "hashes"),
    ]:
        with pytest.raises(IndexUnavailable, match=rf"files\.0: {where}"):
            parse_json(_json_page(entry), url, FOO)


@pytest.mark.parametrize(("text", "expected"), KEYWORDS)
def test_split_keywords(text: str, expected: tuple[str, ...]) -> None:
    assert split_keywords(text) == expected


def test_html_base_and_metadata_attributes() -> None:
    body = b"""<html><head><base href="https://files.example/pkgs/"></head><body>
    <a href="a/foo-1.0-py3-none-any.whl#sha256=ab" data-dist-info-metadata="true"
       >foo-1.0-py3-none-any.whl</a>
    <a href="foo-1.0.tar.gz" data-core-metadata="false" data-yanked>foo-1.0.tar.gz</a>
    <a>no href</a>
    </body></html>"""
    page = parse_html(body, "https://index.example/simple/foo/", FOO)
    wheel, sdist = page.files
    assert wheel.url == "https://files.example/pkgs/a/foo-1.0-py3-none-any.whl"
    assert wheel.metadata_url == wheel.url + ".metadata"
    assert sdist.metadata_url is None and sdist.yanked == ""
    assert page.versions == (Version("1.0"),)


def test_json_with_a_newer_major_api_version_is_refused() -> None:
    body = json.dumps({"meta": {"api-version": "2.0"}, "name": "foo", "files": []})
    with pytest.raises(IndexUnavailable, match=r"unsupported simple-API version 2\.0"):
        parse_json(body.encode(), "https://index.example/simple/foo/", FOO)


HOSTILE = [
    pytest.param("json", b"[1, 2]", "not a JSON object", id="json-list"),
    pytest.param("json", b'{"meta": {"api-version": "1.1"}', "Expecting", id="cut"),
    pytest.param(
        "json", b'{"meta": {}, "name": "foo", "files": []}', "meta", id="meta"
    ),
    pytest.param(
        "json",
        b'{"meta": {"api-version": "1.1"}, "name": "foo", "files": ["x"]}',
        "files.0",
        id="file-not-object",
    ),
    pytest.param(
        "json",
        b'{"meta": {"api-version": "1.1"}, "name": "foo", "files": {"a": 1}}',
        "files",
        id="files-not-list",
    ),
    pytest.param(
        "json",
        b'{"meta": {"api-version": "1.1"}, "name": "foo", "files": [],'
        b' "versions": "1.0"}',
        "versions",
        id="versions-not-list",
    ),
    pytest.param(
        "html",
        b'<meta name="pypi:repository-version" content="3.0"><a href="x">x</a>',
        r"unsupported simple-API version 3\.0",
        id="html-major",
    ),
    pytest.param(
        "html",
        b'<meta name="pypi:repository-version" content="one">',
        "Invalid version",
        id="html-junk-version",
    ),
]


@pytest.mark.parametrize(("kind", "body", "why"), HOSTILE)
def test_a_page_pypi_simple_refuses_is_a_one_line_error(
    kind: str, body: bytes, why: str
) -> None:
    """Whatever pypi-simple (or the JSON decoder) refuses becomes the index
    error naming the page and the problem on one line, never a traceback."""
    url = "https://index.example/simple/foo/"
    content_type = "application/vnd.pypi.simple.v1+json" if kind == "json" else ""
    with pytest.raises(IndexUnavailable) as caught:
        parse_page(body, content_type or "text/html", url, FOO)
    message = str(caught.value)
    assert message.startswith(f"{url} is not a valid simple-API {kind.upper()} page")
    assert re.search(why, message) and "\n" not in message


def test_html_project_status_and_the_page_charset() -> None:
    """PEP 792 in HTML meta tags; the body decoded by the header's charset
    (Latin-1 here), UTF-8 where it names none."""
    body = (
        '<meta name="pypi:project-status" content="archived">'
        '<meta name="pypi:project-status-reason" content="moved to café">'
        '<a href="foo-1.0.tar.gz" data-requires-python="&gt;=3.9">foo-1.0.tar.gz</a>'
    )
    url = "https://index.example/simple/foo/"
    page = parse_page(body.encode("latin-1"), "text/html; charset=ISO-8859-1", url, FOO)
    assert (page.status, page.status_reason) == ("archived", "moved to café")
    (file,) = page.files
    assert file.requires_python == ">=3.9" and file.url == url + "foo-1.0.tar.gz"
    assert parse_page(body.encode(), "text/html", url, FOO) == page


def test_core_metadata_details() -> None:
    body = (
        "Metadata-Version: 2.1\nName: Foo\nVersion: 1.0\nSummary: UNKNOWN\n"
        "License: Line one\n        line two\nAuthor: Zoë\n"
        "Keywords: alpha beta\nProject-URL: Home, https://x.example\n"
        "Project-URL: broken\n\nBody: not a header\n"
    ).encode()
    metadata = parse_core_metadata(body, "foo", "1.0")
    assert metadata.summary is None
    assert metadata.license == "Line one\nline two"
    assert metadata.keywords == ("alpha", "beta")
    assert metadata.project_urls == (("Home", "https://x.example"),)
    assert parse_core_metadata(b"", "foo", "1.0") == CoreMetadata("foo", "1.0")


def test_absent_json_api_is_given_up_after_a_few_misses(
    test_index: TestIndex, tmp_path: Path
) -> None:
    for number in range(8):
        test_index.add(f"lib{number}", [Release("1.0")])
    mirror = IndexClient(
        test_index.simple_url,
        test_index.base_url + "/nojson/",
        cache_dir=tmp_path / "c",
    )
    for number in range(8):
        assert mirror.release(f"lib{number}", "1.0") is None
    asked = [path for path in test_index.requests if path.startswith("/nojson/")]
    assert len(asked) == 5


@pytest.mark.parametrize(("assumed", "kept"), [(600, True), (0, False)])
def test_response_without_cache_headers_is_assumed_fresh(
    tmp_path: Path, assumed: int, kept: bool
) -> None:
    from accord.index._cache import Entry
    from accord.index._http import Fetcher

    fetcher = Fetcher(tmp_path, timeout=1, retries=0, assumed_max_age=assumed)
    validators = fetcher._validators(email.message.Message(), None)
    if not kept:
        assert validators is None  # nothing to ask again with: not kept
        return
    assert validators is not None
    fetcher._store("key", Entry("http://mirror/simple/x/", "", validators, b"x"))
    loaded = fetcher._load("key")
    assert loaded is not None and loaded.validators.max_age == 600
    assert loaded.validators.fresh(time.time())
