"""accord init: a requirements repo drafted from a fleet built in tmp_path."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.specifiers import Specifier, SpecifierSet

from accord.cli import main
from accord.index.model import CoreMetadata
from accord.init.draft import central_specifier, draft, python_only
from accord.init.licences import Licence, licence_for
from accord.init.pythons import project_pythons
from accord.init.survey import PythonDeclaration, SurveyedProject
from accord.init.uses import purpose_of
from accord.license_policy import DEFAULT_POLICY
from accord.licenses import declared_licence
from accord.model.requirements_file import parse_requirements_file
from accord.model.sources import RequirementSource, source_from_requirements_file
from accord.project import Project

from .indexserver import Release, TestIndex, index_fixture
from .wheelhouse import make_wheel

__all__ = ["index_fixture"]  # the test_index fixture

ALPHA_REQUIREMENTS = """\
six>=1.0
# the old API
requests>=2.0,<3
"""
BETA_PYPROJECT = """\
[project]
name = "beta"
version = "1.0"
requires-python = ">=3.11"
classifiers = [
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
]
dependencies = ["requests>=2.1,!=2.5"]

[project.optional-dependencies]
test = ["pytest>=7.0"]
docs = ["sphinx>=7"]

[dependency-groups]
lint = ["ruff>=0.1", "flake8-docstrings>=1"]
test = ["pytest>=7"]
"""
GAMMA_SETUP_CFG = """\
[metadata]
name = gamma
classifiers =
    Programming Language :: Python :: 3
    Programming Language :: Python :: 3.10
    Programming Language :: Python :: 3.11

[options]
python_requires = >=3.10
install_requires =
    six>=1.0
    tomli>=1.0; python_version<"3.11"

[options.extras_require]
test =
    pytest>=7
"""


def make_fleet(workspace: Path) -> None:
    alpha = workspace / "alpha"
    (alpha / "doc").mkdir(parents=True)
    (alpha / "requirements.txt").write_text(ALPHA_REQUIREMENTS)
    (alpha / "test-requirements.txt").write_text("pytest>=7\nflake8>=6\nhacking>=6\n")
    (alpha / "doc" / "requirements.txt").write_text("sphinx>=7\n")
    beta = workspace / "org" / "beta"
    beta.mkdir(parents=True)
    (beta / "pyproject.toml").write_text(BETA_PYPROJECT)
    gamma = workspace / "gamma"
    gamma.mkdir()
    (gamma / "setup.cfg").write_text(GAMMA_SETUP_CFG)
    (gamma / "setup.py").write_text("raise SystemExit('never run')\n")


def publish(index: TestIndex) -> None:
    index.add("six", [Release("1.16.0", license="MIT")])
    index.add(
        "requests",
        [
            Release("2.5", license_expression="Apache-2.0"),
            Release("2.9", license_expression="Apache-2.0"),
            Release("3.0", license_expression="Apache-2.0"),
        ],
    )
    index.add(
        "pytest",
        [Release("8.0", classifiers=["License :: OSI Approved :: MIT License"])],
    )
    index.add("sphinx", [Release("7.2", license="Some Home-Grown Licence")])
    index.add("tomli", [Release("2.0.1", license="MIT")])


@pytest.fixture
def fleet(
    tmp_path: Path, test_index: TestIndex, monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    workspace = tmp_path / "workspace"
    make_fleet(workspace)
    publish(test_index)
    return workspace


def run_json(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, dict[str, Any]]:
    code = main([*argv, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_init_drafts_a_repo_that_validate_and_fleet_check_agree_with(
    fleet: Path, test_index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = fleet / "requirements"
    code, report = run_json(
        capsys, "init", str(repo), "--workspace", str(fleet),
        "--index-url", test_index.simple_url,
    )  # fmt: skip
    assert code == 0, report
    assert report["schema"] == 1 and report["command"] == "init"
    assert report["files"] == [
        "projects.txt", "global-requirements.txt", "denylist.txt", "accord.toml",
        "upper-constraints.txt",
    ]  # fmt: skip
    assert (repo / "projects.txt").read_text().splitlines()[1:] == [
        "alpha",
        "gamma",
        "org/beta",
    ]
    assert (repo / "global-requirements.txt").read_text() == (
        "# Drafted by `accord init` from 3 project(s); review every TODO.\n"
        "\n"
        "## section:runtime\n"
        "# TODO: why is 2.5 excluded? (from org/beta)\n"
        '# TODO: why is this capped? (<3 from alpha ("the old API"))\n'
        "requests!=2.5,<3  # Apache-2.0\n"
        "six  # MIT\n"
        'tomli;python_version < "3.11"  # MIT\n'
        "\n"
        "## section:test\n"
        "pytest  # MIT\n"
        "\n"
        "## section:docs\n"
        "sphinx  # Some Home-Grown Licence\n"
    )
    assert (repo / "denylist.txt").read_text().splitlines()[1:] == [
        "flake8",
        "flake8-docstrings",
        "hacking",
        "ruff",
    ]
    config = (repo / "accord.toml").read_text()
    assert 'python-versions = ["3.10", "3.11", "3.12"]' in config
    assert f'url = "{test_index.simple_url}"' in config
    pins = (repo / "upper-constraints.txt").read_text()
    assert "requests===2.9\n" in pins
    assert "tomli===2.0.1;python_version<'3.11'\n" in pins

    review = [note["message"] for note in report["needs_review"]]
    assert any("sphinx 7.2: 'Some Home-Grown Licence'" in m for m in review)
    assert any(m.startswith("requests<3 has no reason yet") for m in review)
    assert any(m.startswith("requests!=2.5 has no reason yet") for m in review)

    # What validate and fleet check report is exactly what init named.
    code, validated = run_json(capsys, "validate", str(repo))
    assert code == 0
    assert [f["rule"] for f in validated["findings"]] == ["G005"]  # sphinx
    code, checked = run_json(capsys, "fleet", "check", "--requirements", str(repo))
    found = [
        f"{f['severity']} {f['rule']} {project['project']}/{f['path']}:{f['line']}"
        for project in checked["projects"]
        for f in project["findings"]
    ]
    named = [n["message"] for n in report["needs_review"] if n["kind"] == "check"]
    assert len(found) == len(named)
    for finding, message in zip(sorted(found), sorted(named), strict=True):
        assert message.startswith(finding + ": ")
    # requests in alpha lacks the exclusion beta declared; beta lacks alpha's cap.
    assert sorted(found) == [
        "warning C004 alpha/requirements.txt:3",
        "warning C004 org/beta/pyproject.toml:9",
    ]
    assert code == 0


def test_init_refuses_to_overwrite_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_fleet(tmp_path / "ws")
    repo = tmp_path / "ws" / "requirements"
    repo.mkdir()
    (repo / "denylist.txt").write_text("mine\n")
    code = main(["init", str(repo), "--workspace", str(tmp_path / "ws"),
                 "--no-index", "--no-pins"])  # fmt: skip
    assert code == 2
    assert "would overwrite denylist.txt" in capsys.readouterr().err
    assert sorted(p.name for p in repo.iterdir()) == ["denylist.txt"]
    assert (repo / "denylist.txt").read_text() == "mine\n"

    code = main(["init", str(repo), "--workspace", str(tmp_path / "ws"),
                 "--no-index", "--no-pins", "--force"])  # fmt: skip
    assert code == 0
    assert "hacking" in (repo / "denylist.txt").read_text()


@pytest.mark.parametrize("dangling", [False, True])
def test_force_never_writes_through_a_link_out_of_the_repo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dangling: bool
) -> None:
    make_fleet(tmp_path / "ws")
    repo = tmp_path / "ws" / "requirements"
    repo.mkdir()
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("not accord's\n")
    (repo / "global-requirements.txt").symlink_to(victim)
    code = main(["init", str(repo), "--workspace", str(tmp_path / "ws"),
                 "--no-index", "--no-pins", "--force"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "global-requirements.txt" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in repo.iterdir()) == ["global-requirements.txt"]
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text() == "not accord's\n"


def test_new_files_are_as_readable_as_the_umask_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new requirements repo's files are 0644 under umask 022 (as git,
    an editor or a web server expect), not mkstemp's private 0600."""
    import os
    import stat

    make_fleet(tmp_path / "ws")
    repo = tmp_path / "ws" / "requirements"
    old = os.umask(0o022)
    try:
        code = main(["init", str(repo), "--workspace", str(tmp_path / "ws"),
                     "--no-index", "--no-pins"])  # fmt: skip
    finally:
        os.umask(old)
    assert code == 0
    capsys.readouterr()
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in repo.iterdir()}
    assert modes and set(modes.values()) == {0o644}, modes


@pytest.mark.parametrize("existing", [False, True])
def test_a_write_that_fails_midway_leaves_every_file_as_it_was(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    existing: bool,
) -> None:
    """The disk fills up at the third file: the two written are taken back
    (a new repo is not left half made; --force puts the old files back)."""
    import errno

    from accord import writes

    make_fleet(tmp_path / "ws")
    repo = tmp_path / "ws" / "requirements"
    if existing:
        repo.mkdir()
        (repo / "projects.txt").write_text("mine\n")
    real = writes.write_atomic
    calls: list[Path] = []

    def fills_up(path: Path, text: str | bytes, *args: object, **kw: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise writes.WriteError(
                f"cannot be written: {errno.errorcode[errno.ENOSPC]}", path=str(path)
            )
        real(path, text, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr("accord.init.write.write_atomic", fills_up)
    code = main(["init", str(repo), "--workspace", str(tmp_path / "ws"),
                 "--no-index", "--no-pins", "--force"])  # fmt: skip
    assert code == 1
    assert "cannot be written" in capsys.readouterr().err
    if existing:
        assert sorted(p.name for p in repo.iterdir()) == ["projects.txt"]
        assert (repo / "projects.txt").read_text() == "mine\n"
    else:
        assert not repo.exists()


def test_from_dirs_use_their_common_parent_and_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_fleet(tmp_path / "ws")
    (tmp_path / "ws" / "alpha" / "requirements-dev.txt").write_text("tox>=4\n")
    (tmp_path / "ws" / "alpha" / ".tox").mkdir()
    (tmp_path / "ws" / "alpha" / ".tox" / "requirements.txt").write_text("x\n")
    listing = tmp_path / "ws" / "fleet.txt"
    listing.write_text("# ours\norg/beta\n")
    repo = tmp_path / "central"
    code, report = run_json(
        capsys, "init", str(repo), "--from", str(tmp_path / "ws" / "alpha"),
        "--from-projects", str(listing), "--no-index", "--no-pins",
    )  # fmt: skip
    assert code == 0, report
    assert report["projects"] == ["alpha", "org/beta"]
    assert report["workspace"] == str((tmp_path / "ws").resolve())
    assert any("common parent" in d["message"] for d in report["decisions"])
    assert [d["message"] for d in report["decisions"] if d["name"] == "alpha"] == [
        "alpha: not read, as the contract's requirement-files do not name them: "
        "requirements-dev.txt (add globs to requirement-files in accord.toml to "
        "hold them to the contract)"
    ]
    assert any(
        "every licence is UNKNOWN" in n["message"] for n in report["needs_review"]
    )
    # No pins: validate names exactly that (G019) besides the licences.
    code, validated = run_json(capsys, "validate", str(repo))
    assert {f["rule"] for f in validated["findings"]} == {"G005", "G019"}
    assert any("G019" in n["message"] for n in report["needs_review"])
    # beta's Pythons (3.11, 3.12) only: alpha declares none.
    assert 'python-versions = ["3.11", "3.12"]' in (repo / "accord.toml").read_text()


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["init", "{tmp}/repo"], id="no-projects"),
        pytest.param(["init", "{tmp}/repo", "--from", "{tmp}/nowhere"], id="no-dir"),
        pytest.param(
            ["init", "{tmp}/repo", "--from-projects", "{tmp}/missing.txt"],
            id="no-listing",
        ),
        pytest.param(["init", "{tmp}/repo", "--workspace", "{tmp}/empty"], id="empty"),
        pytest.param(
            [
                "init",
                "{tmp}/repo",
                "--from",
                "{tmp}/ws/alpha",
                "--workspace",
                "{tmp}/ws/org",
            ],
            id="outside-workspace",
        ),
        pytest.param(["init", "{tmp}/repo", "--from", "{tmp}/bad"], id="bad-toml"),
        pytest.param(["init", "{tmp}/repo", "--from", "{tmp}/latin"], id="not-utf8"),
    ],
)
def test_bad_input_is_exit_2_without_traceback(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    make_fleet(tmp_path / "ws")
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "pyproject.toml").write_text("[project\n")
    (tmp_path / "latin").mkdir()
    (tmp_path / "latin" / "requirements.txt").write_bytes(b"caf\xe9>=1\n")
    code = main([a.format(tmp=tmp_path) for a in [*argv, "--no-index", "--no-pins"]])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert not (tmp_path / "repo").exists()


@pytest.mark.parametrize(
    ("written", "central"),
    [
        pytest.param("<2", "<2", id="cap"),
        pytest.param("<=2.1", "<=2.1", id="cap-inclusive"),
        pytest.param("!=1.5", "!=1.5", id="exclusion"),
        pytest.param("~=1.4", "<2", id="compatible"),
        pytest.param("~=1.4.2", "<1.5", id="compatible-patch"),
        pytest.param("==1.4.*", "<1.5", id="wildcard"),
        pytest.param("==1.4", None, id="exact-pin"),
        pytest.param(">=1.0", None, id="minimum"),
    ],
)
def test_central_specifier(written: str, central: str | None) -> None:
    result = central_specifier(Specifier(written))
    assert (None if result is None else str(result)) == central


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ('python_version < "3.11"', True),
        ('python_full_version >= "3.10.2" and python_version < "3.13"', True),
        ('sys_platform == "win32"', False),
        ('python_version < "3.11" and platform_machine == "x86_64"', False),
    ],
)
def test_python_only(marker: str, expected: bool) -> None:
    assert python_only(Marker(marker)) is expected


def _surveyed(entry: str, *sources: tuple[str, str]) -> SurveyedProject:
    """A project whose requirements files are ``(path, text)`` pairs."""
    parsed = tuple(
        source_from_requirements_file(parse_requirements_file(text, path))
        for path, text in sources
    )
    project = Project(Path(entry), parsed, tuple(sources), ())
    return SurveyedProject(entry, project, None)


def test_draft_markers_caps_and_linters() -> None:
    drafted = draft(
        [
            _surveyed(
                "a",
                (
                    "requirements.txt",
                    "lib>=1,<3\nwin>=1;sys_platform=='win32'\nplat>=1\n",
                ),
                ("test-requirements.txt", "pylint>=2\nflake8-import-order>=1\n"),
            ),
            _surveyed(
                "b",
                (
                    "requirements.txt",
                    "# b's runtime needs\nsix>=1\n"
                    "# 2.0 broke us\nlib>=1,<2;python_version>='3.11'  # MIT\n"
                    "black>=1\nwin>=1;sys_platform=='linux'\n"
                    "plat>=1;sys_platform=='linux'\n",
                ),
                ("doc/requirements.txt", "sphinx>=7\nlib\n"),
            ),
        ]
    )
    lines = {(e.requirement, e.section): e.rationale for e in drafted.entries}
    # A Python-only marker folds into the unmarked line; the lowest cap wins.
    assert lines[("lib<2", "runtime")] == (
        'TODO: why is this capped? (<2 from b ("2.0 broke us"); <3 from a)',
    )
    assert ('win;sys_platform == "win32"', "runtime") in lines
    assert ('win;sys_platform == "linux"', "runtime") in lines
    assert ("sphinx", "docs") in lines
    # A linter used at runtime stays in the list; the others are denylisted.
    assert ("black", "runtime") in lines
    assert drafted.denylist == ("flake8-import-order", "pylint")
    # Used unmarked by a, narrowed by platform in b: one line, and a note.
    assert ("plat", "runtime") in lines
    kinds = [note.kind for note in drafted.needs_review]
    assert kinds.count("cap-conflict") == 1
    assert kinds.count("marker") == 1
    assert any("black" in note.message for note in drafted.decisions)


@pytest.mark.parametrize(
    ("path", "group", "kind", "purpose"),
    [
        ("requirements.txt", None, "requirements", "runtime"),
        ("test-requirements.txt", None, "requirements", "test"),
        ("doc/requirements.txt", None, "requirements", "docs"),
        ("requirements-lint.txt", None, "requirements", "lint"),
        ("pyproject.toml", None, "project.dependencies", "runtime"),
        ("pyproject.toml", "testing", "project.optional-dependencies", "test"),
        ("pyproject.toml", "docs", "dependency-groups", "docs"),
        ("pyproject.toml", "dev", "dependency-groups", "dev"),
        ("setup.cfg", "postgres", "setup.cfg extras_require", "runtime"),
    ],
)
def test_purpose_of(path: str, group: str | None, kind: str, purpose: str) -> None:
    source = RequirementSource(path, kind, group, (), (), None)  # type: ignore[arg-type]
    assert purpose_of(source) == purpose


@pytest.mark.parametrize(
    ("requires", "classifiers", "expected"),
    [
        (">=3.11", (), ("3.11", "3.12", "3.13", "3.14")),
        (">=3.10.2,<3.12", (), ("3.10", "3.11")),
        (None, ("3.9", "3.12", "2.7"), ("3.9", "3.12")),
        (">=3.10", ("3.9", "3.10", "3.11"), ("3.10", "3.11")),
    ],
)
def test_project_pythons(
    requires: str | None, classifiers: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    declaration = PythonDeclaration(
        None if requires is None else SpecifierSet(requires), classifiers, "x"
    )
    assert project_pythons(declaration) == expected


def test_failed_pins_exit_1_and_say_why(
    fleet: Path, test_index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    (fleet / "alpha" / "requirements.txt").write_text("not-on-the-index>=1\n")
    repo = fleet / "requirements"
    code = main(["init", str(repo), "--workspace", str(fleet),
                 "--index-url", test_index.simple_url])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1, out
    assert not (repo / "upper-constraints.txt").exists()
    assert (repo / "global-requirements.txt").exists()
    assert "upper-constraints.txt not written: failed on Python" in out
    assert "not-on-the-index" in out
    assert "Needs a human" in out


def test_an_unreachable_index_leaves_licences_unknown(
    fleet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .indexserver import serve_index

    with serve_index(tmp_path / "gone") as gone:
        url = gone.simple_url
    code, report = run_json(
        capsys, "init", str(fleet / "requirements"), "--workspace", str(fleet),
        "--index-url", url, "--no-pins",
    )  # fmt: skip
    assert code == 0, report
    licences = [n for n in report["needs_review"] if n["kind"] == "licence"]
    assert {n["name"] for n in licences} == {
        "pytest", "requests", "six", "sphinx", "tomli",
    }  # fmt: skip
    assert all("not read" in n["message"] for n in licences)
    text = (fleet / "requirements" / "global-requirements.txt").read_text()
    assert "six  # UNKNOWN\n" in text


def test_no_index_reads_licences_from_find_links_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    make_fleet(tmp_path / "ws")
    house = tmp_path / "wheels"
    house.mkdir()
    for name, version, licence in [
        ("six", "1.16.0", "License: MIT"),
        ("six", "2.0rc1", "License: GPL"),  # a pre-release: not the newest final
        ("requests", "2.9", "License-Expression: Apache-2.0"),
        ("pytest", "8.0", "Classifier: License :: OSI Approved :: MIT License"),
        ("sphinx", "7.2", "License: BSD"),
        ("tomli", "2.0.1", "License: MIT"),
    ]:
        make_wheel(house, name, version, headers=[licence])
    repo = tmp_path / "ws" / "requirements"
    code, report = run_json(
        capsys, "init", str(repo), "--workspace", str(tmp_path / "ws"),
        "--no-index", "--find-links", str(house),
    )  # fmt: skip
    assert code == 0, report["needs_review"]
    assert not [n for n in report["needs_review"] if n["kind"] == "licence"]
    text = (repo / "global-requirements.txt").read_text()
    assert "six  # MIT\n" in text and "sphinx  # BSD-3-Clause\n" in text
    assert "no-index = true" in (repo / "accord.toml").read_text()
    assert "six===1.16.0\n" in (repo / "upper-constraints.txt").read_text()
    assert main(["validate", str(repo)]) == 0


@pytest.mark.parametrize(
    ("classifier", "comment"),
    [
        ("ISC License (ISCL)", "ISC"),
        ("Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"),
        ("GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"),
    ],
)
def test_init_reads_licence_classifiers_as_review_does(
    classifier: str, comment: str
) -> None:
    """A library that declares its licence only by classifier gets the SPDX
    comment review shows for it, not a note asking for review."""
    metadata = CoreMetadata(
        "x", "1.0", classifiers=(f"License :: OSI Approved :: {classifier}",)
    )
    assert licence_for("x", metadata, DEFAULT_POLICY) == Licence(comment, None)
    assert declared_licence(metadata) == (comment, "classifiers")


def _hostile_wheel(house: Path, name: str, how: str) -> Path:
    """A wheel of ``name`` 1.0 whose METADATA a reader must not trust."""
    import struct
    import zipfile

    path = house / f"{name}-1.0-py3-none-any.whl"
    member = f"{name}-1.0.dist-info/METADATA"
    head = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nLicense: MIT\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if how == "members":  # a big package's thousands of files
            for index in range(20000):
                archive.writestr(f"{name}/m{index}.py", "")
        if how == "bomb":  # 256 MiB of description behind ~256 KB on disk
            with archive.open(member, "w", force_zip64=True) as out:
                out.write(head.encode() + b"Description: ")
                block = b" " * (1 << 20)
                for _ in range(256):
                    out.write(block)
        else:
            archive.writestr(member, head + "Description: " + "x" * 100000)
    data = path.read_bytes()
    if how == "truncated":  # cut short: no central directory
        path.write_bytes(data[: len(data) // 2])
    elif how == "cut-stream":  # the directory is there, the member's data broken
        name_length, extra_length = struct.unpack("<HH", data[26:30])
        start = 30 + name_length + extra_length  # the first member's data
        path.write_bytes(data[:start] + b"\xff" * 64 + data[start + 64 :])
    return path


def test_no_index_wheels_are_read_with_the_indexs_caps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wheel in --find-links is read as one from an index is: METADATA
    past 8 MiB inflated is not read further, a broken archive is no
    traceback, and each note names the file; a wheel with thousands of
    members is read as usual."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    make_fleet(tmp_path / "ws")
    house = tmp_path / "wheels"
    house.mkdir()
    hostile = {
        "six": _hostile_wheel(house, "six", "bomb"),
        "sphinx": _hostile_wheel(house, "sphinx", "truncated"),
        "tomli": _hostile_wheel(house, "tomli", "cut-stream"),
    }
    _hostile_wheel(house, "pytest", "members")
    make_wheel(house, "requests", "2.9", headers=["License: MIT"])
    repo = tmp_path / "ws" / "requirements"
    code, report = run_json(
        capsys, "init", str(repo), "--workspace", str(tmp_path / "ws"),
        "--no-index", "--find-links", str(house), "--no-pins",
    )  # fmt: skip
    assert code == 0, report
    licences = [n for n in report["needs_review"] if n["kind"] == "licence"]
    notes = {n["name"]: n["message"] for n in licences}
    assert set(notes) == set(hostile), notes
    assert notes["six"].endswith(
        "six-1.0-py3-none-any.whl: METADATA in the wheel larger than 8 MiB; "
        "not read further"
    )
    for name, path in hostile.items():
        assert str(path) in notes[name], notes[name]
        assert "Traceback" not in notes[name]
    text = (repo / "global-requirements.txt").read_text()
    assert "pytest  # MIT\n" in text
    assert re.search(r"^requests\S*  # MIT$", text, re.M), text


def test_a_local_wheel_is_read_no_further_than_an_index_would_serve(
    tmp_path: Path,
) -> None:
    """The bytes zipfile reads of a local wheel (its central directory, one
    member) are capped as a wheel read by ranges is: a zip whose directory
    lists millions of members is not parsed past the cap."""
    import io
    import zipfile

    from accord.index._errors import ResponseTooLarge
    from accord.index._wheel import LocalFile

    path = tmp_path / "many-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(3000):
            archive.writestr(f"many/m{index}.py", "")
    with path.open("rb") as file, pytest.raises(ResponseTooLarge):
        zipfile.ZipFile(LocalFile(file, str(path), limit=64 * 1024))
    with path.open("rb") as file:
        names = zipfile.ZipFile(LocalFile(file, str(path))).namelist()
    assert len(names) == 3000
    assert LocalFile(io.BytesIO(b"abc"), "x").read() == b"abc"


def test_a_fifo_named_like_a_wheel_is_a_note_not_a_hang(tmp_path: Path) -> None:
    """A named pipe in --find-links named like a wheel is refused at once:
    opening it would wait for a writer forever."""
    from accord.errors import InputError
    from accord.init.licences import read_wheel_metadata

    path = tmp_path / "six-1.0-py3-none-any.whl"
    os.mkfifo(path)
    with pytest.raises(InputError, match="not a regular file"):
        read_wheel_metadata(path)
