"""`accord affected`: the projects a change of the pins reaches, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from accord.affected.diff import Change
from accord.affected.find import AffectedReport
from accord.affected.graph import graph_from_parents
from accord.affected.render import render_github_matrix, render_gitlab
from accord.affected.select import AffectedProject, Reach
from accord.affected.uv_graph import parse_via
from accord.cli import main

from .affected_fleet import bump, git, make_fleet

FLEET = {
    "nova": {"requirements.txt": "oslo.messaging>=1.0\n"},
    "glance": {"requirements.txt": "requests>=1.0\n"},
    "cinder": {
        "requirements.txt": "requests>=1.0\n",
        "test-requirements.txt": "kombu>=1.0;python_version>='3.12'\n",
    },
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    status = main(["affected", *args, "--format", "json"])
    out = capsys.readouterr().out
    assert status == 0, out
    data: dict[str, object] = json.loads(out)
    return data


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_fleet(tmp_path, FLEET, pythons='"3.11", "3.12"')


def paths_of(data: dict[str, object]) -> dict[str, list[tuple[str, str]]]:
    projects = data["projects"]
    assert isinstance(projects, list)
    return {
        p["project"]: [(r["python"], " -> ".join(r["path"])) for r in p["paths"]]
        for p in projects
    }


def test_a_library_only_one_project_reaches_transitively_selects_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bump(repo, "futurist", "1.0", "1.1")
    data = run_json(capsys, "--requirements", str(repo))
    assert paths_of(data) == {
        "nova": [
            ("3.11", "nova -> oslo.messaging -> futurist"),
            ("3.12", "nova -> oslo.messaging -> futurist"),
        ]
    }
    assert data["base"] == "HEAD~1"


def test_markers_are_per_python_and_the_work_tree_counts(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bump(repo, "kombu", "1.0", "1.1", commit=False)
    data = run_json(capsys, "--requirements", str(repo), "--base", "HEAD")
    assert paths_of(data) == {
        "nova": [
            ("3.11", "nova -> oslo.messaging -> kombu"),
            ("3.12", "nova -> oslo.messaging -> kombu"),
        ],
        "cinder": [("3.12", "cinder -> kombu")],
    }


def test_a_changed_global_list_line_counts(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "global-requirements.txt"
    path.write_text(path.read_text().replace("requests ", "requests!=1.0.1 "))
    data = run_json(
        capsys, "--requirements", str(repo), "--base", "HEAD", "--python", "3.11"
    )
    assert sorted(paths_of(data)) == ["cinder", "glance"]


def test_nothing_moved(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "empty")
    assert main(["affected", "--requirements", str(repo)]) == 0
    assert "0 project(s) affected" in capsys.readouterr().out
    assert main(["affected", "--requirements", str(repo), "--format", "gitlab"]) == 0
    assert "nothing-affected:" in capsys.readouterr().out


def test_ci_formats(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bump(repo, "kombu", "1.0", "1.1")
    args = ["affected", "--requirements", str(repo)]
    assert main([*args, "--format", "github-matrix"]) == 0
    matrix = json.loads(capsys.readouterr().out)
    assert matrix == {
        "include": [
            {"project": "nova", "python": "3.11"},
            {"project": "nova", "python": "3.12"},
            {"project": "cinder", "python": "3.12"},
        ]
    }
    assert main([*args, "--format", "gitlab", "--base", "HEAD~1"]) == 0
    pipeline = capsys.readouterr().out
    assert "parallel:\n    matrix:\n" in pipeline
    assert '      - PROJECT: "nova"\n        PYTHON: ["3.11", "3.12"]\n' in pipeline
    assert 'accord cross-test \\"$PROJECT\\" --base \\"HEAD~1\\"' in pipeline
    assert main([*args]) == 0
    table = capsys.readouterr().out
    assert "nova -> oslo.messaging -> kombu  [3.11, 3.12]" in table


def test_a_bad_base_is_bad_input(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["affected", "--requirements", str(repo), "--base", "nope"]) == 2
    assert "'nope' is not a commit" in capsys.readouterr().err


def test_pins_that_do_not_resolve_fail_in_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bump(repo, "kombu", "1.0", "9.9")
    assert main(["affected", "--requirements", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "the pins do not resolve on Python" in err
    assert "Traceback" not in err


def _report(count: int) -> AffectedReport:
    change = Change(canonicalize_name("kombu"), "3.12", "pin", "1.0", "1.1")
    projects = tuple(
        AffectedProject(f"p{number}", (Reach("3.12", change, (f"p{number}", "kombu")),))
        for number in range(count)
    )
    return AffectedReport("HEAD~1", "0" * 40, (change,), projects, ())


def test_github_matrices_are_chunked_at_256_jobs() -> None:
    whole = json.loads(render_github_matrix(_report(600), None))
    assert [len(m["include"]) for m in whole] == [256, 256, 88]
    third = json.loads(render_github_matrix(_report(600), 3))
    assert third == whole[2]
    assert json.loads(render_github_matrix(_report(0), None)) == {"include": []}


def test_gitlab_jobs_are_split_at_200() -> None:
    pipeline = render_gitlab(_report(450), None)
    assert pipeline.count("parallel:") == 3
    assert "cross-test-3:" in pipeline


def test_a_chunk_past_the_last_is_bad_input(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["affected", "--requirements", str(repo), "--format", "github-matrix"]
    assert main([*args, "--chunk", "2"]) == 2
    assert "only 1 chunk(s)" in capsys.readouterr().err


UV_OUTPUT = """\
kombu==1.1
    # via
    #   -r pins.in
    #   oslo-messaging
oslo-messaging==1.0
    # via -r pins.in
vine==5.0 ; python_version >= '3.12'
    # via kombu, amqp[extra]
"""


def test_uv_annotations_become_edges() -> None:
    parents = parse_via(UV_OUTPUT)
    graph = graph_from_parents("3.12", parents)
    assert graph.requires["oslo-messaging"] == {"kombu"}
    assert graph.requires["kombu"] == {"vine"}
    assert graph.requires["amqp"] == {"vine"}
    assert graph.paths_from([canonicalize_name("oslo.messaging")])["vine"] == (
        "oslo-messaging",
        "kombu",
        "vine",
    )


def test_a_directory_that_is_no_git_repository_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "global-requirements.txt").write_text("")
    assert main(["affected", "--requirements", str(tmp_path)]) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_a_pin_that_cannot_be_read_is_bad_input_not_a_removal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``kombu=1.1`` would drop kombu from the pins read, so the change
    would say it was unpinned and call every project using it affected."""
    pins = repo / "upper-constraints.txt"
    lines = pins.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("kombu==="))
    lines[index] = "kombu=1.1\n"
    pins.write_text("".join(lines))
    assert main(["affected", "--requirements", str(repo), "--base", "HEAD"]) == 2
    captured = capsys.readouterr()
    assert f"upper-constraints.txt:{index + 1}: cannot parse 'kombu=1.1'" in (
        captured.err
    )
    assert captured.out == ""


def test_a_global_list_line_that_cannot_be_read_is_bad_input_not_a_change(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``requests!=1.0.1,,`` reads as requests' line removed from the list,
    so every project using requests would be called affected."""
    path = repo / "global-requirements.txt"
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("requests "))
    lines[index] = lines[index].replace("requests ", "requests!=1.0.1,, ", 1)
    path.write_text("".join(lines))
    assert main(["affected", "--requirements", str(repo), "--base", "HEAD"]) == 2
    captured = capsys.readouterr()
    assert f"global-requirements.txt:{index + 1}: cannot parse" in captured.err
    assert captured.out == ""
