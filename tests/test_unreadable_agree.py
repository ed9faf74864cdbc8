"""Commands agree on central lines that cannot be read (validate's G001).

Reporting commands report the line and go on (exit 1); commands that resolve
or write from the central files refuse (exit 2, naming the line). None is
silent, and none takes a missing line for a library "not listed" or
"unpinned" (README: "Lines that cannot be read")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES

LISTED = "requests!=2.32.0  # Apache-2.0\n"
PIN = "requests===2.32.5\n"


def _examples(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path / "examples"


def _replace(path: Path, old: str, new: str) -> int:
    """Replace line ``old`` by ``new`` (one or more lines); the line number."""
    lines = path.read_text().splitlines(keepends=True)
    index = lines.index(old)
    lines[index] = new
    path.write_text("".join(lines))
    return index + 1


@pytest.fixture
def half_read(tmp_path: Path) -> tuple[Path, int]:
    """requests has one readable line (3.11 on) and one unreadable (before)."""
    world = _examples(tmp_path)
    listing = world / "requirements" / "global-requirements.txt"
    lineno = _replace(
        listing,
        LISTED,
        "requests!=2.32.0;python_version>='3.11'  # Apache-2.0\n"
        "requests!=2.32.0,,;python_version<'3.11'  # Apache-2.0\n",
    )
    return world, lineno + 1


@pytest.fixture
def bad_pin(tmp_path: Path) -> tuple[Path, int]:
    world = _examples(tmp_path)
    pins = world / "requirements" / "upper-constraints.txt"
    return world, _replace(pins, PIN, "requests===\n")


def _json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    findings: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def test_check_does_not_judge_a_line_against_half_the_list(
    half_read: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The readable line covers 3.11 on only: judged against it alone, the
    project's line looked like it needed python_version>='3.11' (C005)."""
    world, lineno = half_read
    central = ["--requirements", str(world / "requirements")]
    status = main(["check", str(world / "catalog"), *central, "--format", "json"])
    assert status == 1
    findings = _json(capsys)
    assert [f["rule"] for f in findings] == ["C022"]
    assert f"global-requirements.txt:{lineno}" in str(findings[0]["message"])


def test_sync_leaves_a_half_read_library_alone(
    half_read: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    world, _ = half_read
    project = world / "catalog" / "pyproject.toml"
    before = project.read_text()
    central = ["--requirements", str(world / "requirements")]
    assert main(["sync", str(world / "catalog"), *central]) == 1
    assert project.read_text() == before
    assert "C022" in capsys.readouterr().out


def test_check_names_an_unreadable_pin(
    bad_pin: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """The minimum cannot be checked against the pin (C007): said, not skipped."""
    world, lineno = bad_pin
    central = ["--requirements", str(world / "requirements")]
    status = main(["check", str(world / "catalog"), *central, "--format", "json"])
    assert status == 1
    findings = _json(capsys)
    assert [f["rule"] for f in findings] == ["C022"]
    assert f"upper-constraints.txt:{lineno}" in str(findings[0]["message"])
    assert "G001" in str(findings[0]["fix"])


@pytest.mark.parametrize(
    "command",
    [
        ["constraints", "generate", "--diff"],
        ["constraints", "bump", "requests", "--diff"],
        ["coinstall"],
    ],
    ids=["generate", "bump", "coinstall"],
)
def test_resolving_commands_refuse_an_unreadable_pin(
    bad_pin: tuple[Path, int], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """They resolve under the pins (or keep them): the broken one would be
    left out without a word. Refused before any index is asked."""
    world, lineno = bad_pin
    central = ["--requirements", str(world / "requirements"), "--no-index"]
    assert main([*command, *central]) == 2
    err = capsys.readouterr().err
    assert f"upper-constraints.txt:{lineno}: cannot parse 'requests==='" in err
    assert "Traceback" not in err


def test_check_names_a_pin_that_is_not_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``requests==2.32.5`` reads, but is no pin accord can compare with."""
    world = _examples(tmp_path)
    pins = world / "requirements" / "upper-constraints.txt"
    lineno = _replace(pins, PIN, "requests>=2.32.5\n")
    central = ["--requirements", str(world / "requirements")]
    assert main(["check", str(world / "catalog"), *central, "--format", "json"]) == 1
    findings = _json(capsys)
    assert [(f["rule"], f["severity"]) for f in findings] == [("C022", "error")]
    assert f"upper-constraints.txt:{lineno}" in str(findings[0]["message"])


def test_review_refuses_a_library_whose_line_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It would be reviewed as new (no "Already in the global list" note),
    though the list names it: refused before the index is asked."""
    world = _examples(tmp_path)
    listing = world / "requirements" / "global-requirements.txt"
    lineno = _replace(listing, LISTED, "requests!=2.32.0,,  # Apache-2.0\n")
    status = main(
        ["review", "Requests", "--requirements", str(world / "requirements"),
         "--no-compare", "--index-url", "http://127.0.0.1:9/simple/"]
    )  # fmt: skip
    assert status == 2
    err = capsys.readouterr().err
    assert f"global-requirements.txt:{lineno}: cannot parse" in err
    assert "names Requests here" in err


@pytest.fixture
def half_read_repo(half_read: tuple[Path, int]) -> tuple[Path, int]:
    world, lineno = half_read
    return world / "requirements", lineno


def test_export_refuses_a_global_list_line_it_cannot_read(
    half_read_repo: tuple[Path, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The list's markers say where a pin installs: with the line before
    3.11 unread, requests would be exported for 3.11 on only."""
    repo, lineno = half_read_repo
    out = tmp_path / "pylock.toml"
    status = main(
        ["constraints", "export", "--requirements", str(repo), "-o", str(out),
         "--index-url", "http://127.0.0.1:9/simple/"]
    )  # fmt: skip
    assert status == 2
    assert f"global-requirements.txt:{lineno}: cannot parse" in capsys.readouterr().err
    assert not out.exists()


def test_audit_reports_a_global_list_line_it_cannot_read(
    half_read_repo: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Its licence comment and exclusions are what audit compares a pin
    with: the line is reported (G001), and the audit goes on."""
    repo, lineno = half_read_repo
    status = main(
        ["audit", "--requirements", str(repo), "--format", "json",
         "--index-url", "http://127.0.0.1:9/simple/",
         "--osv-url", "http://127.0.0.1:9/", "--pypi-json-url",
         "http://127.0.0.1:9/pypi/"]
    )  # fmt: skip
    assert status == 1
    findings = _json(capsys)
    g001 = [f for f in findings if f["rule"] == "G001"]
    assert [(f["path"], f["line"]) for f in g001] == [
        ("global-requirements.txt", lineno)
    ]
    assert any(f["rule"] == "A009" for f in findings)  # and it went on
