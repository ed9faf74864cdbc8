"""accord fleet check/sync and who-uses over projects.txt."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "ws")
    return tmp_path / "ws"


def run_json(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object]]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def projects_of(document: dict[str, object]) -> dict[str, dict[str, object]]:
    return {str(p["project"]): p for p in document["projects"]}  # type: ignore[attr-defined]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fleet_check_examples(
    workspace: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    repo = str(workspace / "requirements")
    code, document = run_json(
        ["fleet", "check", "--requirements", repo, "--jobs", jobs], capsys
    )
    assert code == 1
    projects = projects_of(document)
    assert list(projects) == ["billing", "catalog", "legacy-reports"]
    assert projects["billing"]["status"] == "ok"
    assert projects["legacy-reports"]["status"] == "failed"
    assert projects["legacy-reports"]["changed_files"] == [
        "requirements.txt",
        "test-requirements.txt",
    ]
    # The fleet reports exactly what accord check reports for each project.
    code, single = run_json(
        ["check", str(workspace / "legacy-reports"), "--requirements", repo], capsys
    )
    assert projects["legacy-reports"]["findings"] == single["findings"]


def test_missing_and_broken_projects_do_not_stop_the_others(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace / "requirements" / "projects.txt").write_text(
        "billing\nghost\nbroken\ncatalog\n"
    )
    (workspace / "broken").mkdir()
    (workspace / "broken" / "pyproject.toml").write_text("[project\n")
    code, document = run_json(
        [
            "fleet",
            "check",
            "--requirements",
            str(workspace / "requirements"),
            "--jobs",
            "2",
        ],
        capsys,
    )
    assert code == 1
    statuses = {name: p["status"] for name, p in projects_of(document).items()}
    assert statuses == {
        "billing": "ok",
        "ghost": "missing",
        "broken": "broken",
        "catalog": "ok",
    }
    assert "pyproject.toml:1" in str(projects_of(document)["broken"]["message"])


def test_shards_split_the_fleet(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = str(workspace / "requirements")
    seen: list[str] = []
    for shard in ("1/2", "2/2"):
        _, document = run_json(
            ["fleet", "check", "--requirements", repo, "--shard", shard], capsys
        )
        seen.extend(projects_of(document))
    assert sorted(seen) == ["billing", "catalog", "legacy-reports"]
    assert main(["fleet", "check", "--requirements", repo, "--shard", "3/2"]) == 2
    assert main(["fleet", "check", "--requirements", repo, "--shard", "x"]) == 2


def test_fleet_sync_then_check_is_clean_of_fixable_findings(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = str(workspace / "requirements")
    assert main(["fleet", "sync", "--requirements", repo, "--check"]) == 1
    capsys.readouterr()
    before = (workspace / "legacy-reports" / "requirements.txt").read_text()
    main(["fleet", "sync", "--requirements", repo, "--diff"])
    assert (workspace / "legacy-reports" / "requirements.txt").read_text() == before
    main(["fleet", "sync", "--requirements", repo, "--jobs", "2"])
    capsys.readouterr()
    _, document = run_json(["fleet", "check", "--requirements", repo], capsys)
    rules = {f["rule"] for p in projects_of(document).values() for f in p["findings"]}  # type: ignore[attr-defined]
    assert rules == {"C002", "C006", "C008"}  # what sync leaves to people
    _, document = run_json(["fleet", "sync", "--requirements", repo, "--check"], capsys)
    assert all(not p["changed_files"] for p in projects_of(document).values())


def test_workspace_option(
    tmp_path: Path, workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "elsewhere" / "requirements"
    shutil.copytree(workspace / "requirements", repo)
    _, document = run_json(
        ["fleet", "check", "--requirements", str(repo), "--workspace", str(workspace)],
        capsys,
    )
    assert [p["status"] for p in projects_of(document).values()] == [
        "ok",
        "ok",
        "failed",
    ]
    _code, document = run_json(["fleet", "check", "--requirements", str(repo)], capsys)
    assert {p["status"] for p in projects_of(document).values()} == {"missing"}


def test_who_uses(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(
        ["who-uses", "pyyaml", "--requirements", str(workspace / "requirements")],
        capsys,
    )
    assert code == 0
    uses = [(u["project"], u["path"], u["line"]) for u in document["uses"]]  # type: ignore[attr-defined]
    assert uses == [
        ("billing", "setup.cfg", 13),
        ("catalog", "pyproject.toml", 17),
        ("legacy-reports", "requirements.txt", 3),
    ]


# Spellings who-uses must find for pyyaml, whatever it reads without parsing.
WHO_USES_SPELLINGS = [
    pytest.param("PyYAML>=5.1\n", id="as-listed"),
    pytest.param("py_yaml>=5.1\n", id="other-separator"),
    pytest.param("py\\\nyaml>=5.1\n", id="name-split-by-a-continuation"),
    pytest.param("-r more.txt\n", id="through-an-include"),
]


@pytest.mark.parametrize("text", WHO_USES_SPELLINGS)
def test_who_uses_finds_every_spelling(
    workspace: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    project = workspace / "legacy-reports"
    (project / "requirements.txt").write_text(text)
    (project / "more.txt").write_text("PyYaml\n")
    wanted = "py-yaml" if text.startswith("py_") else "pyyaml"
    _, document = run_json(
        ["who-uses", wanted, "--requirements", str(workspace / "requirements")],
        capsys,
    )
    uses = {u["project"] for u in document["uses"]}  # type: ignore[attr-defined]
    assert "legacy-reports" in uses


def test_who_uses_follows_an_include_after_a_byte_order_mark(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that names only another file (-r) is read for its includes,
    a UTF-8 byte-order mark before its first line or not (pip reads past)."""
    project = workspace / "legacy-reports"
    (project / "requirements.txt").write_bytes(b"\xef\xbb\xbf-r more.txt\n")
    (project / "more.txt").write_text("PyYaml\n")
    _, document = run_json(
        ["who-uses", "pyyaml", "--requirements", str(workspace / "requirements")],
        capsys,
    )
    uses = {u["project"] for u in document["uses"]}  # type: ignore[attr-defined]
    assert "legacy-reports" in uses


# who-uses reads a file only if it can name the library as a whole name:
# each pair is (file text, whether legacy-reports uses "requests").
WHOLE_NAMES = [
    pytest.param("requests-mock>=1.0\ntypes-requests\n", False, id="longer-names"),
    pytest.param("mock-requests\nxrequests\n", False, id="name-inside-others"),
    pytest.param("Requests[socks]>=2.0\n", True, id="with-extras"),
    pytest.param("REQUESTS ; python_version>'3'\n", True, id="upper-case"),
    pytest.param("requests-mock\nrequests>=2\n", True, id="after-a-longer-one"),
    pytest.param("requests_\n", False, id="trailing-separator-is-not-a-name"),
    pytest.param("pbr\nrequests.x>=1\n", False, id="dotted-longer-name"),
    # pip joins a line ending in a backslash unless the line starts with a
    # comment, then strips comments: the next line is part of the comment.
    pytest.param("six  # note \\\nrequests>=2\n", False, id="in-a-comment-joined"),
    pytest.param("# note \\\nrequests>=2\n", True, id="after-a-comment-line"),
]


@pytest.mark.parametrize(("text", "uses"), WHOLE_NAMES)
def test_who_uses_matches_whole_names_only(
    workspace: Path, capsys: pytest.CaptureFixture[str], text: str, uses: bool
) -> None:
    (workspace / "legacy-reports" / "requirements.txt").write_text(text)
    _, document = run_json(
        ["who-uses", "requests", "--requirements", str(workspace / "requirements")],
        capsys,
    )
    found = {u["project"] for u in document["uses"]}  # type: ignore[attr-defined]
    assert ("legacy-reports" in found) is uses


def test_who_uses_lists_a_requirement_pip_reads_after_a_form_feed(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pip ends a line at a form feed (str.splitlines): the requirement after
    one in a comment is installed, so who-uses shows its line, unreadable,
    the same from its cache."""
    (workspace / "legacy-reports" / "requirements.txt").write_text(
        "six\n# page two\x0crequests>=2\n"
    )
    args = ["who-uses", "requests", "--requirements", str(workspace / "requirements")]
    for _ in range(2):
        _, document = run_json(args, capsys)
        unreadable = document["unreadable"]
        assert isinstance(unreadable, list)
        where = "legacy-reports: requirements.txt:2:"
        assert any(line.startswith(where) for line in unreadable)


def test_who_uses_still_reports_a_project_it_cannot_read(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pyproject.toml that is not TOML and does not name the library is
    still read as TOML: the project is reported, not silently skipped."""
    (workspace / "catalog" / "pyproject.toml").write_text("[project\n")
    main(
        [
            "who-uses",
            "no-such-library",
            "--requirements",
            str(workspace / "requirements"),
        ]
    )
    out = capsys.readouterr().out
    assert "catalog" in out and "TOML" in out


def test_fleet_without_projects_txt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "global-requirements.txt").write_text("x  # MIT\n")
    assert main(["fleet", "check", "--requirements", str(tmp_path)]) == 2
    assert "projects.txt" in capsys.readouterr().err


def test_fleet_check_reports_what_check_reports_for_every_project(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Project-wide rules (the build backend, tox pins, no sources) too."""
    repo = workspace / "requirements"
    config = repo / "accord.toml"
    config.write_text('required-build-backend = "pbr.build"\n' + config.read_text())
    (workspace / "catalog" / "tox.ini").write_text(
        "[testenv]\ndeps = -r{toxinidir}/requirements.txt\n"
    )
    _, document = run_json(["fleet", "check", "--requirements", str(repo)], capsys)
    projects = projects_of(document)
    rules = set()
    for name in ["billing", "catalog", "legacy-reports"]:
        _, single = run_json(
            ["check", str(workspace / name), "--requirements", str(repo)], capsys
        )
        assert projects[name]["findings"] == single["findings"], name
        rules |= {f["rule"] for f in single["findings"]}
    assert {"C015", "C019"} <= rules


def test_a_failed_write_is_not_reported_as_a_broken_project(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(source: object, target: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    repo = str(workspace / "requirements")
    before = (workspace / "legacy-reports" / "requirements.txt").read_text()
    args = ["fleet", "sync", "--requirements", repo, "--jobs", "1"]
    code, document = run_json(args, capsys)
    assert code == 1
    projects = projects_of(document)
    assert projects["legacy-reports"]["status"] == "write-failed"
    assert "the disk is full" in str(projects["legacy-reports"]["message"])
    assert "broken" not in {p["status"] for p in projects.values()}
    assert (workspace / "legacy-reports" / "requirements.txt").read_text() == before
    assert main(args) == 1
    assert "legacy-reports: write-failed: " in capsys.readouterr().out
