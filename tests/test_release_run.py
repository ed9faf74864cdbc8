"""accord release run, notes and the hand-off: the whole flow, twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from accord.cli import main
from accord.release.handoff import pinned_text

from .pypiserver_fixture import pypiserver
from .release_world import World, commit_library, git, make_world

__all__ = ["pypiserver"]

NOTE = """\
features:
  - |
    A new knob.
fixes:
  - The crash on start is fixed.
prelude: >
  A small release.
"""


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    git(world.lib, "checkout", "-q", "stable/2026.1")
    (world.lib / "releasenotes" / "notes").mkdir(parents=True)
    (world.lib / "releasenotes" / "notes" / "knob-1234.yaml").write_text(NOTE)
    (world.lib / "releasenotes" / "notes" / "bad-5678.yaml").write_text("colour: red\n")
    world.commits["s4"] = commit_library(
        world.lib, "1.1.1", ("packaging>=20",), "notes"
    )
    git(world.lib, "checkout", "-q", "main")
    requirements = world.base / "requirements"
    requirements.mkdir()
    git(requirements, "init", "-q", "-b", "main")
    (requirements / "global-requirements.txt").write_text("acmelib  # Apache-2.0\n")
    (requirements / "upper-constraints.txt").write_text(
        "aaa===1.0\nacmelib===1.1.0\nzzz===2.0\n"
    )
    git(requirements, "add", "-A")
    git(requirements, "commit", "-q", "-m", "pins")
    world.request("2026.1", ("1.1.1", "s4"))
    world.commit_releases("release acmelib 1.1.1")
    return world


def _run(
    world: World, tmp_path: Path, index: str, *more: str
) -> tuple[int, dict[str, object]]:
    from contextlib import redirect_stdout
    from io import StringIO

    args = [
        "release", "run", str(world.releases), "--base", "HEAD~1",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index", "--index", index, "--requirements",
        str(world.base / "requirements"), "--format", "json", *more,
    ]  # fmt: skip
    buffer = StringIO()
    with redirect_stdout(buffer):
        status = main(args)
    return status, json.loads(buffer.getvalue())


def _steps(report: dict[str, object]) -> list[tuple[str, str]]:
    results = report["results"]
    assert isinstance(results, list)
    return [(r["step"], r["status"]) for r in results]


def test_the_whole_flow_then_again(
    world: World, tmp_path: Path, pypiserver: str
) -> None:
    status, report = _run(world, tmp_path, pypiserver)
    assert status == 0, report
    assert _steps(report) == [
        ("validate", "done"), ("tag", "done"), ("build", "done"),
        ("publish", "done"), ("announce", "done"), ("hand-off", "done"),
    ]  # fmt: skip
    assert git(world.lib, "rev-parse", "1.1.1^{commit}") == world.commits["s4"]
    pins = (world.base / "requirements" / "upper-constraints.txt").read_text()
    assert pins == "aaa===1.0\nacmelib===1.1.1\nzzz===2.0\n"
    log = git(world.base / "requirements", "log", "-1", "--format=%s")
    assert log == "Bump acmelib to 1.1.1"
    text = (tmp_path / "dist" / "acmelib-1.1.1.md").read_text()
    assert text.startswith("# acmelib 1.1.1\n\n## Prelude\n\nA small release.\n")
    assert "## New Features\n\n- A new knob.\n" in text
    assert "## Bug Fixes\n\n- The crash on start is fixed.\n" in text
    assert "`acmelib-1.1.1.tar.gz` sha256 `" in text
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir",
            "--disable-pip-version-check", "--index-url", pypiserver + "simple/",
            "--target", str(target), "acmelib==1.1.1",
        ],
        check=True,
    )  # fmt: skip
    assert (target / "acmelib.py").read_text() == "VALUE = 21\n"
    status, report = _run(world, tmp_path, pypiserver)
    assert status == 0, report
    assert _steps(report) == [
        ("validate", "done"), ("tag", "already done"), ("build", "already done"),
        ("publish", "already done"), ("announce", "already done"),
        ("hand-off", "already done"),
    ]  # fmt: skip


def test_it_stops_at_the_first_failure_and_a_rerun_finishes(
    world: World, tmp_path: Path, pypiserver: str
) -> None:
    status, report = _run(world, tmp_path, "http://127.0.0.1:9/")  # nothing there
    assert status == 1
    assert _steps(report)[-1] == ("publish", "failed")
    assert [s for s, _ in _steps(report)] == ["validate", "tag", "build", "publish"]
    pins = (world.base / "requirements" / "upper-constraints.txt").read_text()
    assert "acmelib===1.1.0" in pins  # nothing after the failure was done
    status, report = _run(world, tmp_path, pypiserver)
    assert status == 0
    assert _steps(report)[1:3] == [("tag", "already done"), ("build", "already done")]


def test_an_invalid_request_stops_before_tagging(
    world: World, tmp_path: Path, pypiserver: str
) -> None:
    world.request("2026.1", ("1.1.5", "s4"))
    world.commit_releases("a skipped version")
    status, report = _run(world, tmp_path, pypiserver, "--base", "HEAD~1")
    assert status == 1
    assert _steps(report) == [("validate", "failed")]
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [f["rule"] for f in findings] == ["R004"]
    assert git(world.lib, "tag", "-l") == ""


def test_notes_before_the_release(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["release", "notes", "acmelib", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 0
    captured = capsys.readouterr()
    assert "## New Features\n\n- A new knob.\n" in captured.out
    assert "bad-5678.yaml: unknown section 'colour'" in captured.err


def test_notes_as_json(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["release", "notes", "acmelib", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["command"] == "release notes"
    assert report["title"].startswith("acmelib ")
    assert "## New Features\n\n- A new knob.\n" in report["markdown"]
    sections = [n["sections"] for n in report["notes"]]
    assert ["A new knob."] in [s.get("features") for s in sections]
    assert any("unknown section 'colour'" in p for p in report["problems"])


PINS = [
    pytest.param("a===1\nacmelib===1.0\n", "a===1\nacmelib===2.0\n", id="moved"),
    pytest.param(
        "acmelib===1.0;python_version=='3.10'  # x\n"
        "acmelib===1.1;python_version>'3.10'\n",
        "acmelib===2.0;python_version=='3.10'  # x\n"
        "acmelib===2.0;python_version>'3.10'\n",
        id="per-python-lines-keep-markers",
    ),
    pytest.param(
        "aaa===1\nzzz===2\n", "aaa===1\nacmelib===2.0\nzzz===2\n", id="added-in-order"
    ),
    pytest.param("aaa===1", "aaa===1\nacmelib===2.0\n", id="no-final-newline"),
    pytest.param("", "acmelib===2.0\n", id="empty"),
    pytest.param(
        "aaa===1  # a\x0cb\u2028c\nacmelib===1.1\n",
        "aaa===1  # a\x0cb\u2028c\nacmelib===2.0\n",
        id="form-feed-and-line-separator-are-not-line-breaks",
    ),
]


@pytest.mark.parametrize(("before", "after"), PINS)
def test_pinned_text(before: str, after: str) -> None:
    assert pinned_text(before, "acmelib", Version("2.0")) == after


@pytest.mark.parametrize(
    "pins",
    [
        pytest.param(b"aaa===1.0\nacmelib===1.1.0\n# caf\xe9\n", id="not-utf8"),
        pytest.param(
            "aaa===1.0\nacmelib===1.1.0\n".encode("utf-16-le"), id="utf-16-no-bom"
        ),
    ],
)
def test_a_hand_off_to_pins_accord_cannot_read_is_one_clear_line(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], pins: bytes
) -> None:
    target = world.base / "requirements" / "upper-constraints.txt"
    target.write_bytes(pins)
    git(world.base / "requirements", "commit", "-q", "-am", "odd pins")
    args = [
        "release", "run", str(world.releases), "--base", "HEAD~1",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index", "--requirements", str(world.base / "requirements"),
    ]  # fmt: skip
    status = main(args)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert status in (1, 2), output
    assert "internal error" not in output and "Traceback" not in output
    assert "upper-constraints.txt" in output
    assert target.read_bytes() == pins


def test_a_hand_off_keeps_the_pins_byte_order_mark(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pip reads pins past a UTF-8 byte-order mark: the hand-off reads them
    too, and writes the new pin with the mark kept."""
    target = world.base / "requirements" / "upper-constraints.txt"
    target.write_bytes(b"\xef\xbb\xbfaaa===1.0\nacmelib===1.1.0\n")
    git(world.base / "requirements", "commit", "-q", "-am", "pins with a BOM")
    args = [
        "release", "run", str(world.releases), "--base", "HEAD~1",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index", "--requirements", str(world.base / "requirements"),
    ]  # fmt: skip
    assert main(args) == 0, capsys.readouterr()
    assert target.read_bytes() == b"\xef\xbb\xbfaaa===1.0\nacmelib===1.1.1\n"


def test_an_old_announcement_that_is_not_text_is_replaced(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    announcement = tmp_path / "dist" / "acmelib-1.1.1.md"
    announcement.parent.mkdir()
    announcement.write_bytes(b"\xff\xfe half a file")
    args = [
        "release", "run", str(world.releases), "--base", "HEAD~1",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index",
    ]  # fmt: skip
    status = main(args)
    output = "".join(capsys.readouterr())
    assert status == 0, output
    assert announcement.read_text().startswith("# acmelib 1.1.1\n")
    assert not list(announcement.parent.glob(".*accord-tmp"))


def test_a_hand_off_never_commits_where_a_git_file_leads_elsewhere(
    world: World,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    requirements = world.base / "requirements"
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "other.git"
    (requirements / ".git").rename(elsewhere)
    (requirements / ".git").write_text(f"gitdir: {elsewhere}\n")
    head = git(requirements, "rev-parse", "HEAD")
    pins = (requirements / "upper-constraints.txt").read_bytes()
    args = [
        "release", "run", str(world.releases), "--base", "HEAD~1",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index", "--requirements", str(requirements),
    ]  # fmt: skip
    status = main(args)
    output = "".join(capsys.readouterr())
    assert status == 1, output
    assert f"{requirements / '.git'} leads to the repository {elsewhere}" in output
    assert git(requirements, "rev-parse", "HEAD") == head
    assert (requirements / "upper-constraints.txt").read_bytes() == pins
