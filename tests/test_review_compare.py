"""What a review reads of the central libraries to compare a new one with:
only each pinned release's metadata, kept compactly for the next review.

A local index (tests/indexserver.py): no network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401

HTTP = ["http", "client"]


@pytest.fixture
def index(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestIndex:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    # The pinned 2.0 looks like the new library; the newer 3.0 does not, so
    # a duplicates warning proves the pinned release was the one read.
    test_index.add("httpthing", [
        Release("1.0", summary="Old thing"),
        Release("2.0", summary="Friendly HTTP client for humans", keywords=HTTP),
        Release("3.0", summary="Quantum flux capacitor toolkit", keywords=["flux"]),
    ])  # fmt: skip
    test_index.add("requests", [Release("2.0", summary="Sends things")])
    test_index.add("httpclone", [
        Release("1.0", summary="An HTTP client for humans", keywords=HTTP),
    ])  # fmt: skip
    return test_index


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(
        "httpthing  # MIT\nrequests  # Apache-2.0\n"
    )
    (repo / "upper-constraints.txt").write_text("httpthing===2.0\nrequests===2.0\n")
    return repo


def duplicates(
    index: TestIndex,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    json_api: bool = True,
) -> str:
    args = ["--index-url", index.simple_url, "--distro-index", str(repo / "none")]
    if json_api:
        args += ["--pypi-json-url", index.pypi_json_url]
    (repo / "none").write_text("")
    code = main(["review", "httpclone", "--requirements", str(repo), *args,
                 "--format", "json"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    [document] = json.loads(out)["reviews"]
    [criterion] = [c for c in document["criteria"] if c["id"] == "duplicates"]
    return str(criterion["verdict"])


def asked_about(index: TestIndex, name: str) -> list[str]:
    return [path for path in index.requests if f"/{name}" in path]


def test_a_cold_review_reads_each_pinned_release_not_its_page(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert duplicates(index, repo, capsys) == "warn"
    # One small request for the pinned release; the page of every release
    # is not read for the comparison.
    assert asked_about(index, "httpthing") == ["/pypi/httpthing/2.0/json"]


def test_without_a_json_api_only_the_pinned_releases_metadata_is_read(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert duplicates(index, repo, capsys, json_api=False) == "warn"
    asked = asked_about(index, "httpthing")
    assert "/simple/httpthing/" in asked
    metadata = [path for path in asked if path.endswith(".metadata")]
    assert metadata == ["/files/httpthing-2.0-py3-none-any.whl.metadata"]


def test_what_was_read_is_kept_in_one_small_file_and_not_asked_again(
    index: TestIndex,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert duplicates(index, repo, capsys) == "warn"
    cache = tmp_path / "cache" / "accord"
    kept = json.loads((cache / "review-compare.json").read_text())
    assert set(kept["releases"]) == {"httpthing==2.0", "requests==2.0"}
    # Not a file per central release (the reviewed release's own is kept).
    kept_names = [p.name for p in (cache / "metadata").iterdir()]
    assert [n for n in kept_names if not n.startswith(".")] == ["httpclone"]
    index.clear_requests()
    assert duplicates(index, repo, capsys) == "warn"
    assert asked_about(index, "httpthing") == []
    assert asked_about(index, "requests") == []


def test_a_damaged_compact_file_is_read_again_from_the_index(
    index: TestIndex,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kept = tmp_path / "cache" / "accord" / "review-compare.json"
    kept.parent.mkdir(parents=True)
    kept.write_text('{"schema": 1, "releases": {"httpthing==2.0": [1, 2]}')
    assert duplicates(index, repo, capsys) == "warn"
    assert json.loads(kept.read_text())["releases"]["httpthing==2.0"][0] == (
        "Friendly HTTP client for humans"
    )


def test_a_mirror_without_metadata_files_is_not_probed_for_each_library(
    test_index: TestIndex, tmp_path: Path
) -> None:
    from accord.index.client import IndexClient

    test_index.ranges = True
    names = [f"lib{n}" for n in range(12)]
    for name in names:
        test_index.add(name, [Release("1.0", summary=name, metadata=False)])
    client = IndexClient(test_index.simple_url, None, cache_dir=tmp_path / "c")
    for name in names:
        meta = client.latest_metadata(client.project(name))
        assert meta is not None and meta.summary == name  # read by ranges
    probes = [p for p in test_index.requests if p.endswith(".metadata")]
    assert 0 < len(probes) < len(names)


def test_the_reviewed_releases_metadata_is_read_once(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metadata = "/files/httpclone-1.0-py3-none-any.whl.metadata"
    assert duplicates(index, repo, capsys, json_api=False) == "warn"
    assert metadata in index.requests
    index.clear_requests()
    assert duplicates(index, repo, capsys, json_api=False) == "warn"
    assert metadata not in index.requests  # a release's metadata never changes


def test_a_warm_review_of_a_central_library_asks_the_index_nothing(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index.max_age = 600  # as PyPI says of its pages and JSON
    args = ["review", "httpthing==2.0", "--requirements", str(repo),
            "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
            "--distro-index", str(repo / "none"), "--format", "json"]  # fmt: skip
    (repo / "none").write_text("")
    assert main(args) == 0, capsys.readouterr()
    index.clear_requests()
    assert main(args) == 0, capsys.readouterr()
    assert index.requests == []


def test_a_new_pin_in_the_central_files_is_compared_at_once(
    index: TestIndex,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Which libraries are compared, at which pins, is kept under a digest of
    # the central files: a later review of the same files reuses it, and a
    # change to them is read afresh.
    assert duplicates(index, repo, capsys) == "warn"  # httpthing 2.0 looks alike
    plans = tmp_path / "cache" / "accord" / "review-central.json"
    [plan] = json.loads(plans.read_text())["plans"].values()
    assert plan["compared"] == {"httpthing": "2.0", "requests": "2.0"}
    (repo / "upper-constraints.txt").write_text("httpthing===3.0\nrequests===2.0\n")
    assert duplicates(index, repo, capsys) == "pass"  # 3.0 does not
    assert len(json.loads(plans.read_text())["plans"]) == 2


def test_a_damaged_plan_is_derived_again(
    index: TestIndex,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert duplicates(index, repo, capsys) == "warn"
    plans = tmp_path / "cache" / "accord" / "review-central.json"
    document = json.loads(plans.read_text())
    for plan in document["plans"].values():
        plan["compared"] = ["not", "a", "mapping"]
    plans.write_text(json.dumps(document))
    assert duplicates(index, repo, capsys) == "warn"
    plans.write_text("{not json")
    assert duplicates(index, repo, capsys) == "warn"
