"""The findings table people read: columns, fix lines, verdict, colour."""

from __future__ import annotations

import io
import re

import pytest

from accord.cli import main
from accord.findings import Finding
from accord.report.render import render_table
from accord.report.users import shown

from .conftest import EXAMPLES

FINDINGS = [
    Finding(
        "C002",
        "error",
        "requirements.txt",
        3,
        "leftpad is not in the global list",
        "propose adding it",
    ),
    Finding("C009", "warning", ".", None, "no requirement sources found"),
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def table(findings: list[Finding], stream: io.StringIO | None = None) -> str:
    stream = stream or io.StringIO()
    render_table(findings, stream, "check demo")
    return stream.getvalue()


def test_rows_are_aligned_under_the_header() -> None:
    assert table(FINDINGS).splitlines() == [
        "severity  rule  where               message",
        "error     C002  requirements.txt:3  leftpad is not in the global list",
        "                                    fix: propose adding it",
        "warning   C009  .                   no requirement sources found",
        "check demo: failed — 1 error(s), 1 warning(s)",
    ]


def test_no_findings_is_only_the_verdict() -> None:
    assert table([]) == "check demo: ok — 0 error(s), 0 warning(s)\n"


def test_a_message_of_several_lines_stays_in_its_column() -> None:
    finding = Finding("G001", "warning", "a.txt", 1, "first\nsecond")
    lines = table([finding]).splitlines()
    assert lines[1].endswith("  first")
    assert lines[2] == " " * lines[1].index("first") + "second"


def test_no_colour_codes_off_a_terminal() -> None:
    assert "\033[" not in table(FINDINGS)


def test_colour_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr("sys.platform", "linux")
    out = table(FINDINGS, Terminal())
    assert "\033[1;31merror\033[0m" in out
    assert "\033[1;31mfailed\033[0m" in out
    # The codes take no columns: without them the table is the plain one.
    assert re.sub(r"\033\[[0-9;]*m", "", out) == table(FINDINGS)


def test_no_color_is_honoured_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in table(FINDINGS, Terminal())


def test_check_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    project = EXAMPLES / "legacy-reports"
    code = main(
        ["check", str(project), "--requirements", str(EXAMPLES / "requirements")]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].split() == ["severity", "rule", "where", "message"]
    column = lines[0].index("message")
    # The path opens from the current directory (the table is for people;
    # JSON keeps it relative to the project).
    where = f"{shown(project / 'test-requirements.txt')}:3"
    assert (
        f"warning   C004  {where.ljust(column - 16)}coverage: the global list's "
        "exclusion !=7.5.0 is missing, so the range still allows it"
    ) in lines
    assert " " * column + "fix: add !=7.5.0 (accord sync does)" in lines
    assert lines[-1] == f"check {project}: failed — 5 error(s), 3 warning(s)"
