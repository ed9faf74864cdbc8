"""A library the global list names several times with other extras (foo[a]
and foo[b], which G002 allows): check compares a project's line with the
entry of the same extras, and sync agrees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

GLOBAL = "# a\nfoo[a]<2  # MIT\n# b\nfoo[b]<3  # MIT\n"


def _run(
    tmp_path: Path, lines: str, global_list: str = GLOBAL
) -> tuple[Path, list[str]]:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(global_list)
    (repo / "upper-constraints.txt").write_text("foo===1.5\n")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(lines)
    return project, [str(project), "--requirements", str(repo), "--format", "json"]


def _findings(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict]:
    main(["check", *args])
    return list(json.loads(capsys.readouterr().out)["findings"])


@pytest.mark.parametrize(
    ("line", "synced"),
    [
        pytest.param("foo[b]>=1", "foo[b]>=1,<3", id="second-entry"),
        pytest.param("foo[a]>=1", "foo[a]>=1,<2", id="first-entry"),
        pytest.param("foo[B]>=1,<3", "foo[B]>=1,<3", id="extras-by-meaning"),
    ],
)
def test_a_line_is_compared_with_the_entry_of_its_extras(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, synced: str
) -> None:
    project, args = _run(tmp_path, f"{line}\n")
    found = _findings(args, capsys)
    if line == synced:
        assert found == []
    else:
        [c004] = found
        assert c004["rule"] == "C004"
        assert c004["fix"] == f"add {synced.rpartition(',')[2]} (accord sync does)"
    main(["sync", *args])
    capsys.readouterr()
    assert (project / "requirements.txt").read_text() == f"{synced}\n"
    assert _findings(args, capsys) == []


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        pytest.param("foo>=1", "without extras", id="no-extras"),
        pytest.param("foo[a,b]>=1", "with extras [a,b]", id="both-extras"),
        pytest.param("foo[c]>=1", "with extras [c]", id="other-extras"),
    ],
)
def test_a_line_whose_extras_match_no_entry_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, shown: str
) -> None:
    project, args = _run(tmp_path, f"{line}\n")
    [finding] = _findings(args, capsys)
    assert (finding["rule"], finding["severity"], finding["line"]) == (
        "C021",
        "warning",
        1,
    )
    assert finding["message"] == (
        f"foo: the global list has foo only as foo[a] (line 2) and foo[b] "
        f"(line 4), none {shown}"
    )
    assert "accord sync does" not in finding["fix"]
    assert main(["sync", *args]) == 0
    capsys.readouterr()
    assert (project / "requirements.txt").read_text() == f"{line}\n"


def test_an_entry_without_extras_covers_other_extras(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """foo<2 and foo[b]<3: foo[c] installs foo as the plain entry has it;
    and a library listed with one set of extras only is compared with it
    whatever the line's extras (as before)."""
    _, args = _run(tmp_path, "foo[c]>=1\n", "foo<2  # MIT\nfoo[b]<3  # MIT\n")
    [c004] = _findings(args, capsys)
    assert c004["fix"] == "add <2 (accord sync does)"
    (tmp_path / "requirements" / "global-requirements.txt").write_text(
        "foo[a]<2  # MIT\n"
    )
    [c004] = _findings(args, capsys)
    assert c004["fix"] == "add <2 (accord sync does)"
