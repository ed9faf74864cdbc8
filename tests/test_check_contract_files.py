"""Which files a check reads by default, and the opt-in build-system rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main


@pytest.fixture
def central(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("requests  # Apache-2.0\n")
    (repo / "upper-constraints.txt").write_text("requests===2.32.5\n")
    return repo


def check(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> set[tuple[str, str, int | None]]:
    main(["check", str(project), "--requirements", str(central), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return {(f["rule"], f["path"], f["line"]) for f in findings}


def make_project(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "proj"
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    return project


# Every file has a library the global list lacks (C002 where it is read).
OUTSIDE = "requests>=2.0\nthirdparty-driver>=1.0\n"
CONTRACT = ("requirements.txt", "test-requirements.txt", "doc/requirements.txt")
OPT_IN = (
    "driver-requirements.txt",
    "plugin-requirements.txt",
    "requirements-dev.txt",
    "docs/requirements.txt",
)


def test_default_reads_only_the_contracts_files(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, dict.fromkeys(CONTRACT + OPT_IN, OUTSIDE))
    found = check(project, central, capsys)
    assert {path for _, path, _ in found} == set(CONTRACT)


def test_broader_globs_are_opt_in(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (central / "accord.toml").write_text(
        'requirement-files = ["requirements.txt", "*-requirements.txt",\n'
        '                     "requirements-*.txt", "docs/requirements.txt"]\n'
    )
    project = make_project(tmp_path, dict.fromkeys(CONTRACT + OPT_IN, OUTSIDE))
    found = check(project, central, capsys)
    assert {path for _, path, _ in found} == set(CONTRACT + OPT_IN) - {
        "doc/requirements.txt"
    }


def test_a_file_pulled_in_with_r_is_still_read(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(
        tmp_path,
        {
            "requirements.txt": "-r requirements-extra.txt\n",
            "requirements-extra.txt": OUTSIDE,
        },
    )
    assert check(project, central, capsys) == {("C002", "requirements-extra.txt", 2)}
