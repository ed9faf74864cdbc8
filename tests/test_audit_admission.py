"""accord audit asks the admission review's questions again (A011, A012):
libraries reviewed with `accord review --save`, then the world changes (a
distribution drops one, a later release is relicensed, a project is
archived). Local index and OSV server only."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401
from .osvserver import FakeOsv

TODAY = datetime.date.today()
RECENT = (TODAY - datetime.timedelta(days=40)).isoformat()
PY3 = ["Programming Language :: Python :: 3"]
LIBS = ["keptlib", "droppedlib", "relicensedlib", "apachelib", "archivedlib"]
PACKAGES = "".join(
    f"Package: python3-{name}\nVersion: 1.0-1\nArchitecture: all\n\n" for name in LIBS
)


def _release(version: str, licence: str = "MIT") -> Release:
    return Release(
        version, uploaded=RECENT, license_expression=licence, classifiers=PY3
    )


@pytest.fixture
def index(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestIndex:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ["keptlib", "droppedlib", "archivedlib", "unreviewedlib"]:
        test_index.add(name, [_release("1.0")])
    test_index.add("relicensedlib", [_release("1.0"), _release("2.0", "GPL-3.0-only")])
    test_index.add("apachelib", [_release("1.0"), _release("2.0", "Apache-2.0")])
    return test_index


@pytest.fixture
def osv() -> Iterator[FakeOsv]:
    with FakeOsv() as server:
        yield server


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    names = [*LIBS, "unreviewedlib"]
    (repo / "global-requirements.txt").write_text(
        "".join(f"{name}  # MIT\n" for name in names)
    )
    (repo / "upper-constraints.txt").write_text(
        "".join(f"{name}===1.0\n" for name in names)
    )
    (tmp_path / "Packages").write_text(PACKAGES)
    return repo


def _admit(index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every library but unreviewedlib reviewed at 1.0, its evidence kept."""
    code = main([
        "review", *(f"{name}==1.0" for name in LIBS), "--requirements", str(repo),
        "--no-compare", "--save", "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"),
    ])  # fmt: skip
    capsys.readouterr()
    assert code == 0
    for name in LIBS:
        saved = json.loads((repo / "reviews" / f"{name}.json").read_text())
        assert {c["id"]: c["verdict"] for c in saved["criteria"]}["distro"] == "pass"


def _audit(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, list[dict[str, Any]]]:
    code = main([
        "audit", "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--osv-url", osv.url, *args,
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if code == 2:
        return code, [{"stderr": captured.err}]
    findings = json.loads(captured.out)["findings"]
    return code, [f for f in findings if f["rule"] in {"A011", "A012"}]


def _by_line(findings: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for finding in findings:
        found.setdefault(finding["line"], []).append(finding)
    return found


def test_unchanged_libraries_pass_again(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _admit(index, repo, capsys)
    distro = ["--distro-index", str(repo.parent / "Packages")]
    code, findings = _audit(index, osv, repo, capsys, *distro)
    assert (code, findings) == (0, [])


def test_what_failed_since_admission_is_found(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _admit(index, repo, capsys)
    # droppedlib leaves the distribution, relicensedlib and apachelib are
    # pinned at their relicensed 2.0, archivedlib is archived; unreviewedlib
    # (no reviews/ file) is neither packaged nor asked about.
    (repo.parent / "Packages").write_text(PACKAGES.replace("droppedlib", "other"))
    pins = (repo / "upper-constraints.txt").read_text()
    (repo / "upper-constraints.txt").write_text(
        pins.replace("relicensedlib===1.0", "relicensedlib===2.0").replace(
            "apachelib===1.0", "apachelib===2.0"
        )
    )
    index.set_status("archivedlib", "archived", "moved to newlib")
    distro = ["--distro-index", str(repo.parent / "Packages")]
    code, findings = _audit(index, osv, repo, capsys, *distro)
    assert code == 1
    lines = _by_line(findings)
    assert sorted(lines) == [2, 3, 4, 5]  # not keptlib (1), not unreviewedlib (6)
    [dropped] = lines[2]
    assert dropped["rule"] == "A012" and dropped["severity"] == "warning"
    assert dropped["message"].startswith(
        f"droppedlib===1.0 passed the admission review of 1.0 of {TODAY.isoformat()}"
        " (reviews/droppedlib.json) but now warns on distro: not packaged in Packages"
    )
    assert "accord review droppedlib==1.0 --save" in dropped["fix"]
    [relicensed] = lines[3]
    assert relicensed["rule"] == "A011" and relicensed["severity"] == "error"
    assert "now fails license: GPL-3.0-only" in relicensed["message"]
    assert relicensed["fix"].startswith("pin a release under the licence reviewed")
    [apache] = lines[4]
    assert apache["rule"] == "A012"
    assert apache["message"] == (
        "apachelib===2.0 is licensed Apache-2.0, but the admission review of "
        f"{TODAY.isoformat()} (reviews/apachelib.json) found MIT"
    )
    [archived] = lines[5]
    assert archived["rule"] == "A011"
    assert "now fails maintained" in archived["message"]
    assert "archived on the index (moved to newlib)" in archived["message"]
    # A new review accepts what changed: the findings go.
    main([
        "review", "droppedlib==1.0", "apachelib==2.0", "--requirements", str(repo),
        "--no-compare", "--save", "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        *distro,
    ])  # fmt: skip
    capsys.readouterr()
    _, findings = _audit(index, osv, repo, capsys, *distro)
    assert sorted(_by_line(findings)) == [3, 5]


def test_distro_question_needs_the_same_distributions(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lists of other distributions than those that packaged it at
    admission cannot say it was dropped: no finding."""
    _admit(index, repo, capsys)
    other = repo.parent / "elsewhere" / "Sources"
    other.parent.mkdir()
    other.write_text("Package: unrelated\nVersion: 1\nBinary: unrelated\n\n")
    code, findings = _audit(index, osv, repo, capsys, "--distro-index", str(other))
    assert (code, findings) == (0, [])
    (repo.parent / "Packages").write_text("")
    both = [
        "--distro-index",
        str(other),
        "--distro-index",
        str(repo.parent / "Packages"),
    ]
    _, findings = _audit(index, osv, repo, capsys, *both)
    assert sorted(_by_line(findings)) == [1, 2, 3, 4, 5]


def test_a_broken_review_record_is_bad_input(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "reviews").mkdir()
    (repo / "reviews" / "keptlib.json").write_text('{"reviewed": "2026-01-01",\n')
    code, [err] = _audit(index, osv, repo, capsys)
    assert code == 2
    assert "reviews/keptlib.json:2" in err["stderr"]
    (repo / "reviews" / "keptlib.json").write_text('{"reviewed": "yesterday"}')
    code, [err] = _audit(index, osv, repo, capsys)
    assert code == 2
    assert "reviews/keptlib.json" in err["stderr"]
    assert "accord review --save" in err["stderr"]
    (repo / "reviews" / "keptlib.json").write_text("[" * 100_000 + "]" * 100_000)
    code, [err] = _audit(index, osv, repo, capsys)
    assert code == 2
    assert (
        "reviews/keptlib.json" in err["stderr"] and "nested too deeply" in err["stderr"]
    )
