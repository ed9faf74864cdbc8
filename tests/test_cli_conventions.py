"""Command-line conventions: -V, -q, --color, --jobs, help, completion."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord import __version__
from accord.cli import build_parser, main
from accord.cli._globals import default_jobs
from accord.cli._parser import parse

from .conftest import EXAMPLES

REQUIREMENTS = str(EXAMPLES / "requirements")
DRIFTED = str(EXAMPLES / "legacy-reports")


def _parsers(
    parser: argparse.ArgumentParser,
) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                yield from _parsers(subparser)


def _arguments(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every argument, and for a group each of its commands' lines."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action._choices_actions
        else:
            yield action


def test_every_argument_of_every_command_has_help() -> None:
    missing = [
        f"{parser.prog} {action.option_strings or action.dest}"
        for parser in _parsers(build_parser())
        for action in _arguments(parser)
        if not (action.help or "").strip() or (action.help or "").startswith("(")
    ]
    assert missing == []


def test_every_command_has_an_example() -> None:
    for parser in _parsers(build_parser()):
        assert parser.epilog is not None and "example:\n  accord " in parser.epilog, (
            parser.prog
        )


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    assert main([flag]) == 0
    assert capsys.readouterr().out == f"accord, version {__version__}\n"


CPU_BOUND = [  # worker processes reading projects, or the projects' own tests
    ["fleet", "check"],
    ["fleet", "sync"],
    ["site", "--out", "x"],
    ["cross-test"],
]
WAITING = [  # uv, git, the index, OSV
    ["init", "x"],
    ["constraints", "generate"],
    ["constraints", "bump", "x"],
    ["constraints", "verify"],
    ["coinstall"],
    ["lower-bounds", "x"],
    ["propose"],
    ["affected"],
    ["audit"],
]


def test_every_jobs_option_follows_the_one_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """CPU-bound work defaults to the CPUs, work that waits to the CPUs plus
    four; each command's help says which."""
    cpus = len(os.sched_getaffinity(0))
    assert {parse(argv).jobs for argv in CPU_BOUND} == {default_jobs("cpu")} == {cpus}
    assert {parse(argv).jobs for argv in WAITING} == {default_jobs()}
    assert default_jobs() == min(32, cpus + 4)
    for argv in CPU_BOUND + WAITING:
        command = argv[:2] if argv[0] in ("fleet", "constraints") else argv[:1]
        assert main([*command, "--help"]) == 0
        shown = " ".join(capsys.readouterr().out.split())
        if argv in CPU_BOUND:
            assert f"(default: {cpus}, the CPUs here, as for all CPU-bound" in shown
        else:
            assert "the CPUs here plus four, as for all work that waits" in shown


@pytest.mark.parametrize(
    "argv",
    [
        ["-q", "check", DRIFTED],
        ["check", DRIFTED, "--quiet"],
        ["check", "--quiet", DRIFTED],
    ],
)
def test_quiet_prints_only_the_findings(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main([*argv, "--requirements", REQUIREMENTS]) == 1
    out = capsys.readouterr().out
    assert "error" in out and "failed —" not in out
    assert main(["check", DRIFTED, "--requirements", REQUIREMENTS]) == 1
    assert "failed —" in capsys.readouterr().out  # not carried to the next run


def test_quiet_with_nothing_to_say_prints_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    billing = str(EXAMPLES / "billing")
    assert main(["check", billing, "--requirements", REQUIREMENTS, "-q"]) in {0, 1}
    out = capsys.readouterr().out
    assert "—" not in out


@pytest.mark.parametrize(
    ("flag", "coloured"),
    [("--color=always", True), ("--color never", False), ("--color auto", False)],
)
def test_color_option(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flag: str,
    coloured: bool,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    argv = ["check", DRIFTED, "--requirements", REQUIREMENTS, *flag.split()]
    assert main(argv) == 1
    assert ("\033[" in capsys.readouterr().out) is coloured  # stdout is no tty


def test_force_color_and_no_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", DRIFTED, "--requirements", REQUIREMENTS]
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    main(argv)
    assert "\033[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(argv)
    assert "\033[" not in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--color", "pink"], ["check", "x", "--color"]])
def test_a_bad_color_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "argument --color: expected one of 'auto', 'always', 'never'" in err


def test_global_options_after_double_dash_are_left_alone() -> None:
    assert parse(["constraints", "bump", "--", "-q"]).names == ["-q"]


def _complete(script: Path, line: str) -> list[str]:
    program = (
        f"source {script}\n"
        f'read -ra COMP_WORDS <<< "{line}"\n'
        + ('COMP_WORDS+=("")\n' if line.endswith(" ") else "")
        + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
        '_accord\necho "${COMPREPLY[*]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", program], capture_output=True, text=True, check=True
    )
    return result.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("accord fl", ["fleet"]),
        ("accord fleet ", ["-h", "--help", "check", "sync", "--verbose", "-q"]),
        ("accord -q constraints gen", ["generate"]),
        ("accord check x --format ", ["github", "json", "junit", "sarif", "table"]),
        ("accord fleet sync --c", ["--check", "--color"]),
        ("accord review x --format ", ["json", "markdown"]),
        ("accord check x --color ", ["always", "auto", "never"]),
        ("accord check --requirements ", []),  # file names, from bash
        ("accord completion ", ["-h", "--help", "bash", "zsh", "--verbose", "-q"]),
    ],
)
def test_bash_completion(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    expected: list[str],
) -> None:
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "accord.bash"
    script.write_text(capsys.readouterr().out)
    completed = _complete(script, line)
    assert completed[: len(expected)] == expected


def test_zsh_completion_loads_the_bash_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "zsh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("autoload -U +X bashcompinit && bashcompinit\n")
    assert "complete -o default -o bashdefault -F _accord accord" in out


# Commands without --format json, each with the reason.
NO_JSON = {
    "accord completion": "prints a shell script for the shell to source",
    # its --format is the file's (pylock, cyclonedx, spdx), not the report's
    "accord constraints export": "writes a lock file or an SBOM, which is the output",
}


def _commands() -> Iterator[argparse.ArgumentParser]:
    """Every command a user runs: the parsers without subcommands."""
    for parser in _parsers(build_parser()):
        if not any(
            isinstance(action, argparse._SubParsersAction) for action in parser._actions
        ):
            yield parser


def test_every_command_speaks_json_unless_exempt() -> None:
    without = sorted(
        parser.prog
        for parser in _commands()
        if not any(
            "--format" in action.option_strings and "json" in (action.choices or ())
            for action in parser._actions
        )
    )
    assert without == sorted(NO_JSON)


def test_output_is_spelled_the_same_everywhere() -> None:
    """Every --output also takes -o, and -o is never anything else."""
    spellings = {
        (parser.prog, tuple(action.option_strings))
        for parser in _commands()
        for action in parser._actions
        if {"-o", "--output"} & set(action.option_strings)
    }
    assert spellings
    assert {s for s in spellings if s[1] != ("-o", "--output")} == set()
