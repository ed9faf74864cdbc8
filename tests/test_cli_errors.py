"""How the command ends when something goes wrong: one line, never a
traceback unless asked for, and quietly on a closed pipe."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES

REQUIREMENTS = str(EXAMPLES / "requirements")


def _explode(**_: object) -> int:
    raise KeyError("boom")


def _disk_full(**_: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device", "/tmp/x/requirements.txt")


@pytest.fixture
def broken_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("accord.cli.handler", lambda name: _explode)


def test_an_unexpected_error_is_one_line_naming_where_to_report(
    broken_validate: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", REQUIREMENTS]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("accord: internal error: KeyError: 'boom'")
    assert "please report it" in err
    assert "--verbose" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("where", ["first", "last"])
def test_verbose_shows_the_traceback_wherever_it_is_written(
    broken_validate: None, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    args = ["validate", REQUIREMENTS]
    args = ["--verbose", *args] if where == "first" else [*args, "--verbose"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "KeyError: 'boom'" in err


def test_an_operating_system_error_names_the_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("accord.cli.handler", lambda name: _disk_full)
    assert main(["validate", REQUIREMENTS]) == 1
    err = capsys.readouterr().err
    assert err == ("accord: error: /tmp/x/requirements.txt: No space left on device\n")


def test_verbose_is_in_the_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--verbose" in capsys.readouterr().out


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`accord ... | head -1`: the reader goes away; accord says nothing."""
    script = "import sys\nfrom accord.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            "who-uses",
            "oslo.config",
            "--requirements",
            REQUIREMENTS,
            "--workspace",
            str(EXAMPLES),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # before accord writes a byte
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err
    assert err == b""


@pytest.mark.parametrize(
    "argv",
    [
        ["check", ""],
        ["sync", ""],
        ["lower-bounds", ""],
        ["validate", ""],
        ["check", str(EXAMPLES / "billing"), "--requirements", ""],
        ["fleet", "check", "--requirements", REQUIREMENTS, "--workspace", ""],
        ["site", "--out", "", "--requirements", REQUIREMENTS],
        ["init", ""],
        ["release", "validate", ""],
    ],
)
def test_an_empty_path_is_a_usage_error_not_the_current_directory(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    """`accord sync "$PROJECT"` with PROJECT unset must not sync (or write a
    site into) the directory it runs in."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_text("requests>=2.20,<2.30\n")
    assert main(argv) == 2
    assert "empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]


# Every command taking --workspace, with the rest of a valid command line.
WORKSPACE_COMMANDS = [
    pytest.param(["who-uses", "PyYAML", "--requirements", REQUIREMENTS], id="who-uses"),
    pytest.param(["fleet", "check", "--requirements", REQUIREMENTS], id="fleet-check"),
    pytest.param(["fleet", "sync", "--requirements", REQUIREMENTS], id="fleet-sync"),
    pytest.param(["coinstall", "--requirements", REQUIREMENTS], id="coinstall"),
    pytest.param(["site", "--out", "site", "--requirements", REQUIREMENTS], id="site"),
    pytest.param(["review-change", REQUIREMENTS], id="review-change"),
    pytest.param(["propose", "--requirements", REQUIREMENTS], id="propose"),
    pytest.param(["affected", "--requirements", REQUIREMENTS], id="affected"),
    pytest.param(["cross-test", "--requirements", REQUIREMENTS], id="cross-test"),
    pytest.param(["init", "requirements"], id="init"),
]


@pytest.mark.parametrize("what", ["missing", "file"])
@pytest.mark.parametrize("argv", WORKSPACE_COMMANDS)
def test_a_workspace_that_is_no_directory_is_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    what: str,
) -> None:
    """A mistyped --workspace stops the command (exit 2, the option and the
    path named) rather than reporting every project as missing."""
    monkeypatch.chdir(tmp_path)
    workspace = tmp_path / "no-such-dir"
    if what == "file":
        workspace.write_text("")
    assert main([*argv, "--workspace", str(workspace)]) == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert "argument --workspace" in last and str(workspace) in last
    assert ("does not exist" if what == "missing" else "is a file") in last
    assert "missing" not in err.replace("does not exist", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["no-such-dir"] if what == "file" else []
    )
