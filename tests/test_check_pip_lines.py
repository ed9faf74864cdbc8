"""Requirements files as pip reads them: a byte-order mark before the first
line, and lines that install a path or URL rather than a named library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main

from .test_hostile_input import central, project

__all__ = ["central", "project"]  # the fixtures, used by name

BOM = b"\xef\xbb\xbf"


def run_json(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    code = main([*args, "--format", "json"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out)


def check(
    capsys: pytest.CaptureFixture[str], project: Path, central: Path
) -> tuple[int, dict[str, Any]]:
    return run_json(capsys, "check", str(project), "--requirements", str(central))


def found(report: dict[str, Any]) -> set[tuple[str, str, int | None]]:
    return {(f["rule"], f["path"], f["line"]) for f in report["findings"]}


# -- a UTF-8 byte-order mark (Windows editors write one; pip reads past it) --


def test_a_bom_is_not_part_of_the_first_line(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_bytes(BOM + b"alembic>=1.0\nxattr>=1.0\n")
    code, report = check(capsys, project, central)
    assert code == 1  # the C005 of line 2, not an unreadable file (2)
    assert found(report) == {
        ("C004", "requirements.txt", 1),
        ("C005", "requirements.txt", 2),
    }


def test_a_bom_in_an_included_file_is_read_past_too(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_bytes(b"-r more.txt\n")
    (project / "more.txt").write_bytes(BOM + b"-r last.txt\n")
    (project / "last.txt").write_bytes(BOM + b"not-listed>=1\r\n")
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C002", "last.txt", 1)}


def test_a_bom_on_a_conforming_file_passes(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_bytes(BOM + b"alembic>=1.0,!=1.2.0\n")
    code, report = check(capsys, project, central)
    assert (code, report["findings"]) == (0, [])


def test_sync_keeps_the_bom_it_rewrites_after(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_bytes(
        BOM + b"alembic>=1.0  # BSD\r\nxattr>=1.0\r\n"
    )
    code = main(["sync", str(project), "--requirements", str(central)])
    assert code == 0, capsys.readouterr()
    assert (project / "requirements.txt").read_bytes() == (
        BOM + b"alembic>=1.0,!=1.2.0  # MIT\r\nxattr>=1.0;sys_platform!='win32'\r\n"
    )


def test_sync_prune_of_the_first_line_keeps_the_bom(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_bytes(BOM + b"not-listed>=1\nPyYAML>=6\n")
    code = main(["sync", str(project), "--requirements", str(central), "--prune"])
    assert code == 0, capsys.readouterr()
    assert (project / "requirements.txt").read_bytes() == BOM + b"PyYAML>=6\n"


# -- UTF-16 and UTF-32 with a byte-order mark (pip's auto_decode reads them) --


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_wide_file_with_a_bom_is_checked_and_synced_in_its_encoding(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    """pip reads a requirements file starting with a UTF-16 or UTF-32 BOM;
    check reads it too, and sync writes it back in that encoding, BOM and
    line endings kept."""
    path = project / "requirements.txt"
    path.write_bytes(("\ufeffalembic>=1.0  # BSD\r\nxattr>=1.0\r\n").encode(codec))
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {
        ("C004", "requirements.txt", 1),
        ("C017", "requirements.txt", 1),
        ("C005", "requirements.txt", 2),
    }
    assert main(["sync", str(project), "--requirements", str(central)]) == 0
    capsys.readouterr()
    assert path.read_bytes() == (
        "\ufeffalembic>=1.0,!=1.2.0  # MIT\r\nxattr>=1.0;sys_platform!='win32'\r\n"
    ).encode(codec)
    code, report = check(capsys, project, central)
    assert (code, report["findings"]) == (0, [])


def test_a_wide_file_that_does_not_decode_names_its_line(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_bytes(
        "\ufeffalembic>=1.0\n".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    )
    code = main(["check", str(project), "--requirements", str(central)])
    err = capsys.readouterr().err
    assert code == 2
    assert "requirements.txt:2: is not valid UTF-16" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", b'[project]\nname = "p"\ndependencies = []\n'),
        ("setup.cfg", b"[options]\ninstall_requires =\n    PyYAML>=6\n"),
    ],
)
def test_a_bom_in_pyproject_or_setup_cfg_is_still_refused(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: bytes,
) -> None:
    # tomllib and configparser (as setuptools reads setup.cfg, utf-8 without
    # -sig) both fail on a BOM, so the build would fail too.
    (project / name).write_bytes(BOM + text)
    code = main(["check", str(project), "--requirements", str(central)])
    assert code == 2
    assert f"{name}:1: starts with a UTF-8 byte-order mark" in capsys.readouterr().err


def test_a_bom_in_a_file_setuptools_reads_is_reported_where_it_is_named(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # setuptools reads file: targets as utf-8 (not utf-8-sig): the BOM
    # becomes part of the first requirement, which it then cannot parse.
    (project / "setup.cfg").write_text(
        "[metadata]\nname = p\n\n[options]\ninstall_requires = file: deps.txt\n"
    )
    (project / "deps.txt").write_bytes(BOM + b"PyYAML>=6\n")
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C001", "setup.cfg", 5)}
    assert "byte-order mark" in report["findings"][0]["message"]
    # UTF-16 (pip reads it by its mark): named as a mark, not as UTF-8's.
    (project / "deps.txt").write_bytes("\ufeffPyYAML>=6\n".encode("utf-16-le"))
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C001", "setup.cfg", 5)}
    message = report["findings"][0]["message"]
    assert "starts with a byte-order mark" in message and "UTF-8 byte" not in message


# -- lines that install a path or URL, naming no library ------------------

ARTEFACTS = [
    ".",
    "./sub",
    "../lib",
    "./sub[extra]",
    "dist/pkg-1.0-py3-none-any.whl",
    "pkg-1.0-py3-none-any.whl",  # packaging reads it as a name; pip as a file
    "pkg-1.0.tar.gz; python_version>'3.9'",
    "https://host.example/pkg-1.0.tar.gz",
    "git+https://host.example/x.git",  # no #egg=: no library named
    "./x.whl --hash=sha256:00",
]


@pytest.mark.parametrize("line", ARTEFACTS)
def test_a_path_or_url_line_is_passed_over_as_an_editable_one_is(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
) -> None:
    text = f"{line}\n-e ./other\nalembic>=1.0,!=1.2.0\n"
    (project / "requirements.txt").write_text(text)
    code, report = check(capsys, project, central)
    assert (code, report["findings"]) == (0, [])
    code = main(["sync", str(project), "--requirements", str(central), "--prune"])
    assert code == 0
    assert (project / "requirements.txt").read_text() == text  # left alone


@pytest.mark.parametrize(
    "line", ["alembic>=1.0/2", "alembic>=1.0 and more", "!alembic"]
)
def test_a_bad_requirement_that_is_no_path_is_still_c001(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
) -> None:
    (project / "requirements.txt").write_text(f"{line}\n")
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C001", "requirements.txt", 1)}


def test_a_path_line_in_a_file_setuptools_reads_is_c001(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # setuptools reads a file: list as PEP 508 lines: "." fails its build.
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\ndynamic = ["dependencies"]\n'
        "[tool.setuptools.dynamic]\n"
        'dependencies = {file = ["deps.txt"]}\n'
    )
    (project / "deps.txt").write_text("PyYAML>=6\n.\n")
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C001", "deps.txt", 2)}
    assert "setuptools" in report["findings"][0]["message"]


def test_an_archive_name_with_a_specifier_is_a_name_to_pip(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pip looks for the file only without a specifier: "p.zip>=1" is a name.
    (project / "requirements.txt").write_text("p.zip>=1\n")
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C002", "requirements.txt", 1)}


# -- an editable install from a VCS checkout: -e VCS-URL#egg=NAME --


# pip installs the checkout with or without -e (without, not editable).
CHECKOUT_FORMS = [pytest.param("-e ", id="editable"), pytest.param("", id="plain")]


@pytest.mark.parametrize("form", CHECKOUT_FORMS)
def test_a_listed_library_from_a_checkout_is_a_warning_sync_leaves(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    line = f"{form}git+https://opendev.org/openstack/oslo.config@master#egg=Oslo_Config"
    text = f"alembic>=1.0,!=1.2.0\n{line}&subdirectory=src\n"
    (project / "requirements.txt").write_text(text)
    code, report = check(capsys, project, central)
    assert code == 0
    [finding] = report["findings"]
    assert finding["rule"] == "C020" and finding["severity"] == "warning"
    assert (finding["path"], finding["line"]) == ("requirements.txt", 2)
    assert "Oslo_Config" in finding["message"] and "checkout" in finding["message"]
    assert "oslo.config>=X.Y" in finding["fix"] and "sync does" not in finding["fix"]
    assert main(["sync", str(project), "--requirements", str(central)]) == 0
    assert (project / "requirements.txt").read_text() == text  # left alone


@pytest.mark.parametrize("form", ["--editable=", ""])
def test_an_unlisted_library_from_a_checkout_is_c002(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    (project / "requirements.txt").write_text(
        "-r more.txt\n"  # in a -r target too
    )
    (project / "more.txt").write_text(f"{form}hg+https://hg.example/x#egg=x\n")
    code, report = check(capsys, project, central)
    assert code == 1
    assert found(report) == {("C002", "more.txt", 1)}


@pytest.mark.parametrize(
    ("requirement", "fix"),
    [
        pytest.param(
            "Oslo_Config @ git+https://opendev.org/openstack/oslo.config@master",
            "oslo.config>=X.Y",
            id="no-central-exclusion",
        ),
        pytest.param(
            "alembic @ git+https://github.com/sqlalchemy/alembic@main",
            "alembic>=X.Y,!=1.2.0",
            id="central-exclusion",
        ),
    ],
)
@pytest.mark.parametrize("where", ["requirements.txt", "pyproject.toml"])
def test_a_pep508_checkout_of_a_listed_library_is_c020_as_the_egg_form_is(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    requirement: str,
    fix: str,
    where: str,
) -> None:
    """``NAME @ git+URL`` installs the same checkout as ``git+URL#egg=NAME``:
    the same warning, not silence where the list has no exclusion for the
    library (nor only a note that the URL cannot carry one)."""
    if where == "pyproject.toml":
        text = '[project]\nname = "p"\nversion = "1"\ndependencies = [\n'
        text, line = f'{text}  "{requirement}",\n]\n', 5
    else:
        text, line = f"PyYAML>=6.0\n{requirement}\n", 2
    (project / where).write_text(text)
    code, report = check(capsys, project, central)
    assert code == 0
    [finding] = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("C020", "warning")
    assert (finding["path"], finding["line"]) == (where, line)
    assert "checkout" in finding["message"]
    assert f"{fix} (accord sync leaves" in finding["fix"]
    assert main(["sync", str(project), "--requirements", str(central)]) == 0
    assert (project / where).read_text() == text  # left alone


# -- a pip option that installs past the reviewed pins or index --


@pytest.mark.parametrize(
    ("line", "says", "fix"),
    [
        pytest.param(
            "-c https://example.org/our-pins.txt",
            "pip installs this file under these constraints too",
            "remove it: install under the global pins from tox",
            id="constraint-url",
        ),
        pytest.param(
            "--constraint=local-pins.txt",
            "pip installs this file under these constraints too",
            "remove it: install under the global pins from tox",
            id="constraint-file",
        ),
        pytest.param(
            "--extra-index-url https://pypi.example.org/simple",
            "pip looks for its libraries on https://pypi.example.org/simple",
            "remove it: set the index in pip's configuration",
            id="extra-index",
        ),
        pytest.param(
            "-i https://mirror.example.org/simple",
            "pip looks for its libraries on https://mirror.example.org/simple",
            "remove it: set the index in pip's configuration",
            id="index",
        ),
        pytest.param(
            "--find-links ./wheels",
            "pip looks for its libraries on ./wheels",
            "remove it: set the index in pip's configuration",
            id="find-links",
        ),
    ],
)
def test_a_pip_option_that_installs_past_the_review_is_c023(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    says: str,
    fix: str,
) -> None:
    """OpenStack's gate refuses any option line but -e and -f in these
    files; a -c pins the libraries past the reviewed upper-constraints.txt,
    an index option installs them from elsewhere than the reviewed index.
    accord reads nothing from either, so it says so, at the line."""
    (project / "requirements.txt").write_text("-r test-requirements.txt\n")
    (project / "test-requirements.txt").write_text(f"PyYAML>=6.0\n{line}\n")
    code, report = check(capsys, project, central)
    assert code == 0  # a warning
    [finding] = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("C023", "warning")
    assert (finding["path"], finding["line"]) == ("test-requirements.txt", 2)
    assert says in finding["message"] and finding["fix"].startswith(fix)


def test_the_options_accord_follows_are_not_c023(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_text(
        "-r more.txt\n-e git+https://example.org/x.git#egg=x\n--pre\nPyYAML>=6.0\n"
    )
    (project / "more.txt").write_text("alembic>=1.0,!=1.2.0\n")
    code, report = check(capsys, project, central)
    # x, installed from a checkout, is not listed: that is all.
    assert (code, found(report)) == (1, {("C002", "requirements.txt", 2)})


# -- a comment ending in a backslash swallows the next line (pip joins first) --


def test_a_line_swallowed_by_a_comment_is_named_where_it_is_written(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pip joins 'alembic ... # MIT \\' and the next line, then strips the
    comment: PyYAML is never installed, and check says so at its line."""
    (project / "requirements.txt").write_text(
        "alembic>=1.0,!=1.2.0  # MIT \\\nPyYAML>=6.0 \\\n  --hash=sha256:00\n"
        "oslo.config>=9.0\n"
    )
    code, report = check(capsys, project, central)
    assert code == 0
    assert found(report) == {
        ("C024", "requirements.txt", 2),
        ("C024", "requirements.txt", 3),
    }
    first = next(f for f in report["findings"] if f["line"] == 2)
    assert "'PyYAML>=6.0 \\\\'" in first["message"]
    assert "line 1's comment" in first["message"]
    assert first["severity"] == "warning"
    assert "line 1" in first["fix"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("# a note \\\nPyYAML>=6.0\n", id="a-comment-line-stops-it"),
        pytest.param("PyYAML>=6.0  # MIT \\\n\n", id="only-a-blank-line-after"),
        pytest.param("PyYAML>=6.0 \\\n  # MIT\n", id="continued-into-a-comment"),
        pytest.param("PyYAML>=6.0  # MIT \\\n# more words\n", id="a-comment-after"),
    ],
)
def test_what_pip_reads_as_written_is_not_said_to_be_swallowed(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    (project / "requirements.txt").write_text(text)
    _, report = check(capsys, project, central)
    assert "C024" not in {f["rule"] for f in report["findings"]}
