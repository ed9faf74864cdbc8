"""A warm `accord audit`: what the last run learnt, kept in one file per
index (and one per OSV URL), read back instead of every cached page and
kept metadata; the index still asked about each project, conditionally."""

# ruff: noqa: F811  (test_audit's fixtures, imported, are the tests' parameters)

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from accord.audit.learnt import KEEP_FOR, Learnt, Summary
from accord.audit.model import Release
from accord.index._cache import Validators

from .indexserver import TestIndex, index_fixture  # noqa: F401
from .osvserver import FakeOsv
from .test_audit import _mit, by_rule, index, osv, repo, run  # noqa: F401


def _summary(tmp_path: Path) -> Path:
    [path] = (tmp_path / "cache" / "accord" / "audit").glob("*.json")
    return path


def test_a_warm_run_needs_only_the_summary(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, before = run(index, osv, repo, capsys)
    # Without the HTTP cache and the kept metadata, the summary still
    # answers: every page is only revalidated, and nothing else is asked.
    for kept in ("http", "metadata"):
        shutil.rmtree(tmp_path / "cache" / "accord" / kept)
    index.clear_requests()
    second, after = run(index, osv, repo, capsys)
    assert (first, before["findings"]) == (second, after["findings"])
    assert before["vulnerabilities"] == after["vulnerabilities"]
    assert index.log and all(r.path.startswith("/simple/") for r in index.log)
    assert all("if-none-match" in r.headers for r in index.log)
    assert {r.status for r in index.log} == {304}


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json",
        b'{"format": 1, "projects": {"vulnlib": "x", "cleanlib": [1, 2, 3, 4, 5]}}',
        b'{"format": 1, "projects": []}',
        b'{"format": 99, "projects": {}}',
        "truncated",
        "wrong types",
    ],
)
def test_a_damaged_summary_is_ignored_and_rebuilt(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: bytes | str,
) -> None:
    first, before = run(index, osv, repo, capsys)
    path = _summary(tmp_path)
    good = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "wrong types":  # each release's row: statuses as numbers
        document = json.loads(good)
        for entry in document["projects"].values():
            for row in entry[4].values():
                row[0] = 7
        path.write_text(json.dumps(document))
    else:
        assert isinstance(damage, bytes)
        path.write_bytes(damage)
    second, after = run(index, osv, repo, capsys)  # no traceback (run checks)
    assert (first, before["findings"]) == (second, after["findings"])
    rebuilt = json.loads(_summary(tmp_path).read_bytes())
    assert rebuilt["format"] == 1
    assert set(rebuilt["projects"]) == set(json.loads(good)["projects"])


def test_a_change_on_the_index_is_seen_on_the_next_run(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before = run(index, osv, repo, capsys)
    assert not any(f["message"].startswith("cleanlib") for f in before["findings"])
    index.set_status("cleanlib", "deprecated")
    index.add("vulnlib", [_mit("1.0", yanked="do not use"), _mit("1.1")])
    index.clear_requests()
    _, after = run(index, osv, repo, capsys)
    rules = by_rule(after)
    assert [f["line"] for f in rules["A003"] if "cleanlib" in f["message"]] == [10]
    assert any("do not use" in f["message"] for f in rules["A004"])
    changed = {r.path for r in index.log if r.status == 200}
    assert "/simple/cleanlib/" in changed and "/simple/vulnlib/" in changed
    # The next run keeps what this one learnt from the changed pages.
    index.clear_requests()
    _, again = run(index, osv, repo, capsys)
    assert again["findings"] == after["findings"]
    assert {r.status for r in index.log} == {304}


def test_a_damaged_osv_store_is_asked_again(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, before = run(index, osv, repo, capsys)
    [store] = (tmp_path / "cache" / "accord" / "osv").glob("*.json")
    store.write_text('{"vulnlib": {"1.0": "x"}, "heldlib": [], "cappedlib": ')
    osv.clear()
    _, after = run(index, osv, repo, capsys)
    assert after["findings"] == before["findings"]
    assert len(osv.requests("POST")) == 1  # one batch, for every pin
    osv.clear()
    run(index, osv, repo, capsys)
    assert osv.requests("POST") == []  # kept again


def test_summaries_that_cannot_be_written_only_cost_time(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kept = tmp_path / "cache" / "accord"
    kept.mkdir(parents=True)
    for name in ("audit", "osv"):  # a file where the directory should be
        (kept / name).write_text("in the way\n")
    first, before = run(index, osv, repo, capsys)
    second, after = run(index, osv, repo, capsys)
    assert first == second == 1
    assert before["findings"] == after["findings"]
    assert by_rule(after)["A001"]


def _learnt(etag: str, checked: float, *versions: str) -> Learnt:
    releases = {
        v: Release(name=canonicalize_name("lib"), version=Version(v), licence="MIT")
        for v in versions
    }
    return Learnt(Validators(etag, None, checked, 600), releases)


def _kept(directory: Path, name: str, *versions: str) -> bool:
    summary = Summary(directory, "https://index.example/simple/")
    summary.load()
    wanted = [Version(v) for v in versions]
    return summary.get(canonicalize_name(name), wanted) is not None


def test_two_repos_pinning_other_versions_of_one_page_keep_both(
    tmp_path: Path,
) -> None:
    lib = canonicalize_name("lib")
    now = time.time()
    for version in ("1.0", "2.0"):  # one repo pins 1.0, another 2.0
        summary = Summary(tmp_path, "https://index.example/simple/")
        summary.load()
        summary.save({lib: _learnt('"page-a"', now, version)}, now)
    assert _kept(tmp_path, "lib", "1.0", "2.0")
    # Once the page changes, what was drawn from the old one goes.
    summary = Summary(tmp_path, "https://index.example/simple/")
    summary.load()
    summary.save({lib: _learnt('"page-b"', now, "2.0")}, now)
    assert _kept(tmp_path, "lib", "2.0")
    assert not _kept(tmp_path, "lib", "1.0")


def test_projects_nobody_audits_any_more_leave_the_summary(tmp_path: Path) -> None:
    now = time.time()
    summary = Summary(tmp_path, "https://index.example/simple/")
    summary.save(
        {
            canonicalize_name("old"): _learnt('"o"', now - KEEP_FOR - 60, "1.0"),
            canonicalize_name("recent"): _learnt('"r"', now - KEEP_FOR + 3600, "1.0"),
        },
        now - KEEP_FOR - 60,
    )
    assert _kept(tmp_path, "old", "1.0") and _kept(tmp_path, "recent", "1.0")
    summary = Summary(tmp_path, "https://index.example/simple/")
    summary.load()
    summary.save({canonicalize_name("new"): _learnt('"n"', now, "3.0")}, now)
    assert not _kept(tmp_path, "old", "1.0")
    assert _kept(tmp_path, "recent", "1.0") and _kept(tmp_path, "new", "3.0")
