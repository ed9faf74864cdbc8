"""Sync keeps a project's Python narrowing when it replaces a contradicting
marker, and check says exactly what sync writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.markers import Marker

from accord.cli import main


def _repo(tmp_path: Path, entry: str, line: str) -> tuple[Path, list[str]]:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(f"{entry}  # MIT\n")
    (repo / "upper-constraints.txt").write_text("foo===2.0\n")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(f"{line}\n")
    return project, [str(project), "--requirements", str(repo), "--format", "json"]


def _findings(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict]:
    main(["check", *args])
    return list(json.loads(capsys.readouterr().out)["findings"])


@pytest.mark.parametrize(
    ("entry", "line", "synced"),
    [
        pytest.param(
            "foo;sys_platform!='win32'",
            'foo>=1;python_version<"3.12"',
            "foo>=1;sys_platform!='win32' and python_version < \"3.12\"",
            id="python-only-narrowing-kept",
        ),
        pytest.param(
            "foo",
            "foo>=1;sys_platform=='linux' and python_version<'3.12'",
            'foo>=1;python_version < "3.12"',
            id="platform-dropped-python-kept",
        ),
        pytest.param(
            "foo;python_version<'3.11'",
            "foo>=1;python_version<'3.12'",
            "foo>=1;python_version<'3.11'",
            id="central-narrower-unchanged",
        ),
        pytest.param(
            "foo",
            "foo>=1;sys_platform=='linux' and python_version>='3.8'",
            "foo>=1",
            id="narrowing-no-supported-python-dropped",
        ),
        pytest.param(
            "foo;sys_platform!='win32' or python_version>='3.10'",
            "foo>=1;python_version<'3.12'",
            "foo>=1;(sys_platform!='win32' or python_version>='3.10')"
            ' and python_version < "3.12"',
            id="central-or-grouped",
        ),
    ],
)
def test_sync_keeps_the_lines_pythons(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    entry: str,
    line: str,
    synced: str,
) -> None:
    project, args = _repo(tmp_path, entry, line)
    [c005] = _findings(args, capsys)
    assert c005["rule"] == "C005"
    assert "(accord sync does)" in c005["fix"]
    written = synced.partition(";")[2]
    assert written in c005["fix"] or str(Marker(written)) in c005["fix"]
    assert main(["sync", *args]) == 0
    capsys.readouterr()
    assert (project / "requirements.txt").read_text() == f"{synced}\n"
    assert _findings(args, capsys) == []
    assert main(["sync", *args]) == 0
    assert json.loads(capsys.readouterr().out)["changes"] == []


@pytest.mark.parametrize(
    ("entry", "line"),
    [
        pytest.param(
            "foo;python_version>='3.12'", "foo>=1;python_version<'3.10'", id="disjoint"
        ),
        pytest.param(
            "foo",
            "foo>=1;(sys_platform=='linux' and python_version<'3.12')"
            " or (sys_platform=='win32' and python_version<'3.10')",
            id="python-tied-to-platform",
        ),
    ],
)
def test_sync_leaves_a_marker_it_would_widen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, line: str
) -> None:
    """No marker sync could write keeps the line to its Pythons: sync leaves
    it, and check does not promise sync fixes it."""
    project, args = _repo(tmp_path, entry, line)
    [c005] = _findings(args, capsys)
    assert c005["rule"] == "C005"
    assert "accord sync does" not in c005["fix"]
    assert main(["sync", *args]) == 1  # the C005 is left
    assert json.loads(capsys.readouterr().out)["changes"] == []
    assert (project / "requirements.txt").read_text() == f"{line}\n"
