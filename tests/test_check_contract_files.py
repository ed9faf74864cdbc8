"""Which files a check reads by default, and the opt-in build-system rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .test_check import GLOBAL, PINS


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


PBR = '[build-system]\nrequires = ["pbr>=6.1.1"]\nbuild-backend = "pbr.build"\n'
PROJECT = '[project]\nname = "proj"\ndynamic = ["version"]\n'

BUILD_CASES = [
    pytest.param({"pyproject.toml": PBR + PROJECT}, set(), id="pbr-with-project"),
    pytest.param({"pyproject.toml": PROJECT + PBR}, set(), id="pbr-with-project-first"),
    pytest.param({}, {("C015", None)}, id="no-pyproject"),
    pytest.param(
        {"pyproject.toml": PBR.replace("pbr.build", "setuptools.build_meta") + PROJECT},
        {("C015", 3)},
        id="other-backend",
    ),
    pytest.param(
        {"pyproject.toml": '[build-system]\nrequires = ["pbr"]\n' + PROJECT},
        {("C015", 1)},
        id="no-backend",
    ),
    pytest.param({"pyproject.toml": PROJECT}, {("C015", None)}, id="no-build-system"),
    pytest.param({"pyproject.toml": PBR}, {("C016", None)}, id="no-project-table"),
    pytest.param(
        {"pyproject.toml": "[tool.black]\nline-length = 79\n"},
        {("C015", None), ("C016", None)},
        id="neither",
    ),
]


@pytest.mark.parametrize(("files", "found"), BUILD_CASES)
def test_required_build_backend(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    found: set[tuple[str, int | None]],
) -> None:
    (central / "accord.toml").write_text('required-build-backend = "pbr.build"\n')
    project = make_project(tmp_path, {"requirements.txt": "requests>=2.0\n", **files})
    findings = check(project, central, capsys)
    assert {(rule, line) for rule, _, line in findings} == found
    assert all(path == "pyproject.toml" for _, path, _ in findings)


def test_another_build_backend_is_replaced_not_added(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fix said 'add [build-system] build-backend = ...' to a file that
    has one, naming another backend: it is that line that must change."""
    (central / "accord.toml").write_text('required-build-backend = "pbr.build"\n')
    other = PBR.replace("pbr.build", "setuptools.build_meta") + PROJECT
    files = {"pyproject.toml": other, "requirements.txt": "requests>=2.0\n"}
    project = make_project(tmp_path, files)
    main(["check", str(project), "--requirements", str(central), "--format", "json"])
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert finding["fix"] == (
        'set [build-system] build-backend = "pbr.build" (instead of '
        "'setuptools.build_meta')"
    )


def test_build_backend_rule_is_off_by_default(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, {"requirements.txt": "requests>=2.0\n"})
    assert check(project, central, capsys) == set()


def test_required_build_backend_must_be_a_string(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (central / "accord.toml").write_text("\nrequired-build-backend = true\n")
    project = make_project(tmp_path, {"requirements.txt": "requests>=2.0\n"})
    code = main(["check", str(project), "--requirements", str(central)])
    assert code == 2
    assert "accord.toml:2: 'required-build-backend'" in capsys.readouterr().err


def test_files_setuptools_reads_requirements_from_are_checked_and_synced(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """setup.cfg's 'file:' and pyproject.toml's [tool.setuptools.dynamic]
    name plain requirements files setuptools reads (no code runs): they are
    checked and synced as such. A 'file:' used to be an error (C001) that
    blocked every sync of a valid project, and dynamic dependencies were not
    seen at all (check said C009: no requirement sources)."""
    (central / "global-requirements.txt").write_text(GLOBAL)
    (central / "upper-constraints.txt").write_text(PINS)
    project = make_project(
        tmp_path,
        {
            "setup.cfg": "[options]\ninstall_requires = file: requirements.txt\n"
            "[options.extras_require]\ntest = file: reqs/test.txt, reqs/more.txt\n",
            "requirements.txt": "alembic>=1.0,!=1.2.0\n",
            "reqs/test.txt": "PyYAML>=6\n",
            "reqs/more.txt": "SQLAlchemy>=2.0  # MIT\n",
        },
    )
    assert check(project, central, capsys) == {("C004", "reqs/more.txt", 1)}
    assert main(["sync", str(project), "--requirements", str(central)]) == 0
    assert (project / "reqs/more.txt").read_text() == "SQLAlchemy>=2.0,<2.1  # MIT\n"
    capsys.readouterr()
    assert check(project, central, capsys) == set()

    (project / "setup.cfg").unlink()
    (project / "requirements.txt").unlink()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\n'
        'dynamic = ["dependencies", "optional-dependencies"]\n'
        "[tool.setuptools.dynamic]\n"
        'dependencies = {file = ["deps.txt"]}\n'
        'optional-dependencies.test = {file = "reqs/test.txt"}\n'
        'optional-dependencies.gone = {file = ["missing.txt", "../out.txt"]}\n'
    )
    (project / "deps.txt").write_text("unlisted>=1\n")
    assert check(project, central, capsys) == {
        ("C001", "pyproject.toml", 8),
        ("C002", "deps.txt", 1),
    }
    main(["check", str(project), "--requirements", str(central)])
    out = capsys.readouterr().out
    assert "file: missing.txt: no such file in the project" in out
    assert "file: ../out.txt: outside the project" in out
