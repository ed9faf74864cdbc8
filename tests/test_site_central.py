"""`accord site` on central files with lines it cannot read: as `audit`
does, it builds what it can, shows each such line as a finding (validate's
G001, at file:line) and exits 1, never passing over one without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .test_site import workspace  # noqa: F401 - the fixture

BROKEN = "this is not ( a requirement\n"

FILES = [
    pytest.param("global-requirements.txt", id="global-list"),
    pytest.param("upper-constraints.txt", id="pins"),
]


def _break(fleet: Path, name: str) -> int:
    """Append the broken line to ``name``; its line number."""
    path = fleet / "requirements" / name
    text = path.read_text()
    path.write_text(text + BROKEN)
    return len((text + BROKEN).splitlines())


def _site(fleet: Path, out: Path, *options: str) -> list[str]:
    repo = str(fleet / "requirements")
    return ["site", "--out", str(out), "--requirements", repo, *options]


@pytest.mark.parametrize("name", FILES)
def test_a_central_line_the_site_cannot_read_is_shown_and_fails(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    line = _break(workspace, name)
    out = tmp_path / "site"
    assert main(_site(workspace, out)) == 1
    captured = capsys.readouterr()
    assert f"{name}:{line}" in captured.out and "G001" in captured.out
    assert "this is not ( a requirement" in captured.out
    assert "Traceback" not in captured.err
    assert (out / "index.html").is_file()  # the rest is built


@pytest.mark.parametrize("name", FILES)
def test_json_carries_the_findings(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    line = _break(workspace, name)
    assert main(_site(workspace, tmp_path / "site", "--format", "json")) == 1
    document = json.loads(capsys.readouterr().out)
    assert [
        (f["rule"], f["severity"], f["path"], f["line"]) for f in document["findings"]
    ] == [("G001", "error", name, line)]
    assert document["projects"] == 3


def test_readable_central_files_have_no_findings(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(_site(workspace, tmp_path / "site", "--format", "json")) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(_site(workspace, tmp_path / "site")) == 0
    assert capsys.readouterr().out == ""
