"""accord site --dependencies: which pin requires which, from affected's graphs
of the pins (uv over a local wheelhouse, offline)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from packaging.utils import NormalizedName, canonicalize_name

from accord.affected.graph import graph_from_parents
from accord.affected.uv_graph import GraphFailed, UvGraphSource
from accord.central import load_central_repo
from accord.cli import main
from accord.site import SiteOptions, build_site
from accord.site.dependencies import Edge, dependency_view

from .affected_fleet import make_fleet

FLEET = {
    "nova": {"requirements.txt": "oslo.messaging>=1.0\n"},
    "glance": {"requirements.txt": "requests>=1.0\n"},
}


def n(name: str) -> NormalizedName:
    return canonicalize_name(name)


def test_links_both_ways_with_the_pythons_they_hold_on() -> None:
    # a requires b and c on 3.11, only b on 3.12
    graphs = {
        "3.11": graph_from_parents("3.11", {n("b"): {n("a")}, n("c"): {n("a")}}),
        "3.12": graph_from_parents("3.12", {n("b"): {n("a")}}),
        "3.13": GraphFailed("the pins do not resolve on Python 3.13 (x): no x"),
    }
    pinned = {python: {n("a"), n("b"), n("c")} for python in graphs}
    view = dependency_view(graphs, pinned)
    assert view.pythons == ("3.11", "3.12")
    assert view.requires[n("a")] == (Edge(n("b")), Edge(n("c"), ("3.11",)))
    assert view.required_by[n("c")] == (Edge(n("a"), ("3.11",)),)
    assert view.names == ("a", "b", "c")
    assert view.problems == (
        "Python 3.13: the pins do not resolve on Python 3.13 (x): no x",
    )


def test_a_package_taken_without_a_pin_is_left_out() -> None:
    graphs = {"3.12": graph_from_parents("3.12", {n("x"): {n("a")}, n("b"): {n("x")}})}
    view = dependency_view(graphs, {"3.12": {n("a"), n("b")}})
    assert view.requires == {} and view.required_by == {}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_fleet(tmp_path, FLEET, pythons='"3.11", "3.12"')


def test_library_pages_link_what_they_require_and_what_requires_them(
    repo: Path, tmp_path: Path
) -> None:
    central = load_central_repo(repo)
    settings = central.config.resolution
    source = UvGraphSource(settings.index, repo, settings.platform)
    out = tmp_path / "site"
    build_site(SiteOptions(repo, out, today=datetime.date(2026, 11, 30), graphs=source))
    messaging = (out / "libraries" / "oslo-messaging.html").read_text()
    requires = messaging.split("<dt>Requires</dt>", 1)[1].split("</dd>", 1)[0]
    assert '<a href="../libraries/futurist.html">futurist</a>' in requires
    assert '<a href="../libraries/kombu.html">kombu</a>' in requires
    kombu = (out / "libraries" / "kombu.html").read_text()
    required_by = kombu.split("<dt>Required by</dt>", 1)[1].split("</dd>", 1)[0]
    assert "oslo-messaging.html" in required_by
    requests = (out / "libraries" / "requests.html").read_text()
    assert requests.count("no other pin") == 2
    view = (out / "dependencies.html").read_text()
    assert '<th scope="row"><a href="libraries/kombu.html">kombu</a></th>' in view
    assert "requests.html" not in view  # requires nothing, required by nothing


def test_off_by_default_and_said_so(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(SiteOptions(repo, out))
    assert "--dependencies" in (out / "dependencies.html").read_text()
    assert "Not computed" in (out / "libraries" / "kombu.html").read_text()


def test_cli_option_and_a_failed_resolution_is_a_note(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    args = ["site", "--out", str(out), "--requirements", str(repo), "--dependencies"]
    assert main(args) == 0
    assert "futurist.html" in (out / "libraries" / "oslo-messaging.html").read_text()
    assert main(args) == 0
    assert "0 page(s) rendered" in capsys.readouterr().err  # the same graph
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([*args, "--no-index", "--find-links", str(empty)]) == 0
    err = capsys.readouterr().err
    assert "note: dependencies not shown for Python 3.11: the pins do not" in err
    assert "Not resolved" in (out / "dependencies.html").read_text()
