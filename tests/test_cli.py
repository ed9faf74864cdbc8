"""The command line itself: how arguments are read, help, version, usage errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from accord import __version__
from accord.cli import main
from accord.cli._commands import COMMANDS, Command
from accord.cli._parser import build_parser, parse

from .conftest import EXAMPLES

REQUIREMENTS = str(EXAMPLES / "requirements")


def _paths(
    commands: Mapping[str, Command] = COMMANDS, words: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    for name, command in commands.items():
        if command.commands:
            yield from _paths(command.commands, (*words, name))
        else:
            yield (*words, name)


@pytest.mark.parametrize("words", list(_paths()), ids=" ".join)
def test_a_command_reads_as_in_the_whole_tree(
    capsys: pytest.CaptureFixture[str], words: tuple[str, ...]
) -> None:
    """A run builds only its command's parser: it is the tree's, to the letter."""
    with pytest.raises(SystemExit):
        build_parser().parse_args([*words, "--help"])
    in_tree = capsys.readouterr().out
    assert main([*words, "--help"]) == 0
    assert capsys.readouterr().out == in_tree


def test_running_a_command_builds_only_its_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def whole_tree() -> None:
        raise AssertionError("built the whole tree to run one command")

    monkeypatch.setattr("accord.cli._parser.build_parser", whole_tree)
    assert parse(["fleet", "check", "-j", "2"]).jobs == 2
    assert parse(["check", "x"]).project == Path("x")


def test_parsing_does_not_import_shutil() -> None:
    """argparse's help formatter would, for the terminal's width, and shutil
    loads zlib, bz2 and lzma: slower than all of check's parsing."""
    script = (
        "import sys\n"
        "if 'shutil' in sys.modules:\n"
        "    sys.exit(3)  # this interpreter's start-up imports it already\n"
        "from accord.cli._parser import parse\n"
        "parse(['constraints', 'bump', 'a', '--python', '3.12', '-j', '2'])\n"
        "assert 'shutil' not in sys.modules, 'shutil imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    if result.returncode == 3:
        pytest.skip("the interpreter imports shutil on start-up")
    assert result.returncode == 0, result.stderr


def test_an_option_value_may_start_with_a_dash() -> None:
    assert parse(["propose", "--branch", "-x"]).branch == "-x"
    assert parse(["constraints", "generate", "--output", "-"]).output == "-"
    options = parse(["propose", "--topic", "--push"])
    assert (options.topic, options.push) == ("--push", False)


def test_arguments_may_come_between_options() -> None:
    options = parse(["constraints", "bump", "a", "--diff", "b", "-j", "2", "c"])
    assert (options.names, options.diff, options.jobs) == (["a", "b", "c"], True, 2)
    options = parse(["review", "a", "--no-compare", "b"])
    assert (options.targets, options.compare) == (["a", "b"], False)


def test_double_dash_ends_the_options() -> None:
    assert parse(["review", "a", "--", "-b", "--diff"]).targets == ["a", "-b", "--diff"]


def test_repeatable_options_collect_in_order() -> None:
    options = parse(
        ["constraints", "verify", "--python", "3.12", "--python=3.10", "--no-index"]
    )
    assert (options.pythons, options.no_index) == (["3.12", "3.10"], True)
    assert parse(["constraints", "verify"]).no_index is None  # accord.toml decides


def test_options_are_not_abbreviated() -> None:
    with pytest.raises(SystemExit):
        parse(["check", "x", "--req", "y"])


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"accord, version {__version__}\n"


@pytest.mark.parametrize(
    "command",
    [
        "",
        "validate",
        "check",
        "sync",
        "who-uses",
        "fleet",
        "fleet check",
        "fleet sync",
        "constraints",
        "constraints generate",
        "constraints bump",
        "constraints verify",
        "coinstall",
        "lower-bounds",
        "propose",
        "review",
        "review-change",
    ],
)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_on_every_level(
    capsys: pytest.CaptureFixture[str], command: str, flag: str
) -> None:
    assert main([*command.split(), flag]) == 0
    assert capsys.readouterr().out.startswith(
        f"usage: {' '.join(['accord', *command.split()])} "
    )


@pytest.mark.parametrize("command", [[], ["fleet"], ["constraints"]])
def test_a_group_alone_shows_its_help_and_exits_2(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: {' '.join(['accord', *command])} ")
    assert "commands:" in err


def _file(tmp_path: Path) -> str:
    path = tmp_path / "a-file"
    path.write_text("")
    return str(path)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["check"], "PROJECT"),
        (["check", "--format", "xml", "x"], "argument --format: invalid choice"),
        (["check", "x", "--nope"], "--nope"),
        (["fleet", "check", "--jobs", "0"], "argument -j/--jobs: 0 is not at least 1"),
        (["propose", "-j", "many"], "argument -j/--jobs: 'many' is not a whole"),
        (["who-uses", "x", "--workspace", "{file}"], "argument --workspace: "),
        (
            ["who-uses", "oslo.config>=1", "--requirements", REQUIREMENTS],
            "argument NAME: 'oslo.config>=1' is not a library name "
            "(ask for oslo.config)",
        ),
        (["who-uses", "", "--requirements", REQUIREMENTS], "'' is not a library"),
        (["who-uses", "a b", "--requirements", REQUIREMENTS], "'a b' is not a lib"),
        (["review", "x", "--distro-index", "{dir}"], "argument --distro-index: "),
        (["validate", "a", "--requirements", "b"], "REPO or as --requirements"),
        (
            ["constraints", "verify", "--requirements", REQUIREMENTS, "--python", "3"],
            "argument --python: '3' is not a Python version",
        ),
        (
            ["fleet", "check", "--requirements", REQUIREMENTS, "--shard", "3/2"],
            "--shard '3/2'",
        ),
    ],
)
def test_usage_errors_exit_2_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    args = [a.format(file=_file(tmp_path), dir=tmp_path) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    words = 2 if args[0] in {"fleet", "constraints"} else 1
    command = " ".join(["accord", *args[:words]])
    assert err.startswith(f"usage: {command} ")
    assert f"{command}: error: " in err
    assert says in err
    if "{file}" in args or "{dir}" in args:
        assert str(tmp_path) in err


def test_bad_input_is_reported_once_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path), "--requirements", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("accord: error: ")
    assert "usage:" not in err
