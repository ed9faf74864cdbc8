"""A project line whose library's line in the global list cannot be read.

The list names the library (``requests!=2.32.0,,`` is a typo, validate's
G001), so the project's line is not "not in the global list" (C002): check
says the central line is unreadable (C022), and sync, --prune included,
keeps the project's line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES

BROKEN = "requests!=2.32.0,,  # Apache-2.0\n"


@pytest.fixture
def world(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    listing = tmp_path / "examples" / "requirements" / "global-requirements.txt"
    text = listing.read_text()
    assert "requests!=2.32.0  # Apache-2.0\n" in text
    listing.write_text(text.replace("requests!=2.32.0  # Apache-2.0\n", BROKEN))
    return tmp_path / "examples"


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


def test_check_says_the_central_line_is_unreadable_not_unlisted(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    central = world / "requirements"
    status = main(
        ["check", str(world / "catalog"), "--requirements", str(central),
         "--format", "json"]
    )  # fmt: skip
    assert status == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    rules = [(f["rule"], f["path"], f["line"]) for f in findings]
    line = _line_of(world / "catalog" / "pyproject.toml", '"requests')
    assert rules == [("C022", "pyproject.toml", line)]
    listed = _line_of(central / "global-requirements.txt", "requests!=")
    assert f"global-requirements.txt:{listed}" in findings[0]["message"]
    assert "G001" in findings[0]["fix"]


def test_sync_and_prune_keep_the_line(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = world / "catalog" / "pyproject.toml"
    before = project.read_text()
    central = ["--requirements", str(world / "requirements")]
    assert main(["sync", str(world / "catalog"), *central, "--prune"]) == 1
    assert project.read_text() == before
    out = capsys.readouterr().out
    assert "C022" in out


def test_a_missing_library_is_still_unlisted(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the library whose line is broken gets C022: another line of the
    project, unlisted, is C002 as before."""
    pyproject = world / "catalog" / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('"click>=8.1",', '"click>=8.1", "flask>=3",')
    )
    central = ["--requirements", str(world / "requirements")]
    assert main(["check", str(world / "catalog"), *central, "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert sorted(f["rule"] for f in findings) == ["C002", "C022"]


def test_fleet_check_agrees(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    central = ["--requirements", str(world / "requirements")]
    main(["fleet", "check", *central, "--format", "json"])
    assert "C022" in capsys.readouterr().out


def test_validate_names_the_unreadable_pin_of_an_unpinned_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """G009 points at the pin line to fix, not at adding a second one."""
    repo = tmp_path / "requirements"
    shutil.copytree(EXAMPLES / "requirements", repo)
    pins = repo / "upper-constraints.txt"
    lines = pins.read_text().splitlines(keepends=True)
    index = next(i for i, text in enumerate(lines) if text.startswith("requests==="))
    lines[index] = "requests=2.32.5\n"
    pins.write_text("".join(lines))
    assert main(["validate", str(repo), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    g009 = [f for f in findings if f["rule"] == "G009"]
    assert len(g009) == 1
    assert (
        f"upper-constraints.txt:{index + 1} names it but cannot be read"
        in (g009[0]["message"])
    )
    assert g009[0]["fix"] == f"fix upper-constraints.txt:{index + 1} (name===version)"
    assert [f["line"] for f in findings if f["rule"] == "G001"] == [index + 1]
