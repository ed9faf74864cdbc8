"""The ``accord`` command tree: every command's arguments, help and handler.

Only argparse is imported here. Each command names its handler as a
``module:function`` string that :func:`accord.cli.main` imports when the
command runs, so ``accord check`` never loads the resolver, review or
propose code. Each handler takes the parsed options as keyword arguments
named by their ``dest``.

Building an argparse parser is not free (each one looks up translations and
the terminal's width), so a run builds only the parser of the command it
runs; the whole tree is built only to show the top level's or a group's help,
or to say that a command does not exist.

The command line is read as accord has always read it (it was a click
application): an option's value is the next argument even when that starts
with ``-``, and arguments may come between options. See :func:`_arrange`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from accord import __version__
from accord.cli._examples import epilog
from accord.cli._globals import (
    COLOR_CHOICES,
    GlobalOptionError,
    apply_global_options,
    default_jobs,
    take_global_options,
)

# Where main() finds what to run: the handler, and the parser whose usage
# a usage error found after parsing should show.
HANDLER, PARSER = "_handler", "_parser"

DESCRIPTION = "Keep many Python projects on one coherent, reviewed set of dependencies."


class Command(NamedTuple):
    """A command (a handler and its arguments) or a group of commands."""

    description: str
    handler: str | None = None  # "module:function"; None for a group
    arguments: Callable[[argparse.ArgumentParser], None] | None = None
    commands: Mapping[str, Command] = {}


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options, plus the handler to run and the parser that read them.

    Exits through argparse (status 2) on bad usage, and for --help.
    """
    argv = sys.argv[1:] if argv is None else argv
    try:
        argv, quiet, color = take_global_options(argv)
    except GlobalOptionError as error:
        build_parser().error(str(error))
    apply_global_options(quiet, color)
    words, command = _find_command(argv)
    if command is not None and command.handler is not None:
        parser = _new_parser(" ".join(["accord", *words]), command)
        argv = _arrange(parser, argv[len(words) :])
    else:
        parser = build_parser()
    options, unknown = parser.parse_known_args(argv)
    if unknown:
        # Reported by the command's parser, not the top one as parse_args()
        # would with the whole tree: the usage shown is then the command's.
        command_parser: argparse.ArgumentParser = getattr(options, PARSER)
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return options


def build_parser() -> argparse.ArgumentParser:
    """The whole tree, every command a subparser of its group."""
    parser = _new_parser("accord", Command(DESCRIPTION, commands=COMMANDS))
    parser.add_argument(
        "-V",
        "--version",
        action="version",
        version=f"accord, version {__version__}",
        help="Print accord's version and exit.",
    )
    # Taken out of the command line (--verbose by main(), the others by
    # parse()) before any command reads it, so every command accepts them
    # anywhere; listed here so that --help shows them.
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="on an unexpected error, print its traceback too (any command)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the results: no progress bar, no verdict line, no "
        "notes (any command)",
    )
    parser.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="colour the output: auto (on a terminal, unless NO_COLOR is set; "
        "FORCE_COLOR forces it), always or never (any command; "
        "default: %(default)s)",
    )
    return parser


def _find_command(argv: Sequence[str]) -> tuple[list[str], Command | None]:
    """The words naming a command at the start of ``argv``, and the command."""
    words: list[str] = []
    command, commands = None, COMMANDS
    for word in argv:
        if word not in commands:
            break
        words.append(word)
        command = commands[word]
        commands = command.commands
    return words, command


class _Building(argparse.RawDescriptionHelpFormatter):
    """The formatter of a parser being built.

    argparse makes a formatter for every argument added, only to check its
    metavar, and the usual one asks shutil for the terminal's width:
    importing shutil (which loads zlib, bz2 and lzma) costs more than all
    of ``accord check``'s parsing. The width plays no part in that check.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=80)


def _new_parser(prog: str, command: Command) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=command.description,
        epilog=epilog(prog),
        formatter_class=_Building,
        # Accepting --req for --requirements would make every later option
        # starting with the same letters a breaking change.
        allow_abbrev=False,
    )
    return _fill(parser, command)


def _fill(parser: argparse.ArgumentParser, command: Command) -> argparse.ArgumentParser:
    parser.set_defaults(**{HANDLER: command.handler, PARSER: parser})
    if command.arguments is not None:
        command.arguments(parser)
    if command.commands:
        group = parser.add_subparsers(title="commands", metavar="COMMAND")
        for name, subcommand in command.commands.items():
            subparser = group.add_parser(
                name,
                help=subcommand.description.split("\n", 1)[0],
                description=subcommand.description,
                epilog=epilog(f"{parser.prog} {name}"),
                formatter_class=_Building,
                allow_abbrev=False,
            )
            _fill(subparser, subcommand)
    # Help and usage errors, once built, wrap to the terminal's width; the
    # descriptions are written as paragraphs, so their breaks are kept.
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _arrange(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """A command's ``argv`` rewritten so that argparse reads it as accord's
    users write it.

    argparse will not take ``-x`` as the value in ``--branch -x``, and stops
    reading NAME... at the first option in ``bump a --diff b``. So every
    value is joined to its option (``--branch=-x``) and the positionals are
    moved after the options. Anything argparse should reject is left for it
    to reject, with its usual message.
    """
    takes_value = {
        option
        for action in parser._actions
        if action.nargs is None
        for option in action.option_strings
    }
    # Options taking a fixed number of values (--from-tag GITREPO TAG) keep them.
    counted = {
        option: action.nargs
        for action in parser._actions
        if isinstance(action.nargs, int) and action.nargs > 1
        for option in action.option_strings
    }
    arranged: list[str] = []
    positionals: list[str] = []
    rest = iter(argv)
    for word in rest:
        if word == "--":
            positionals.extend(rest)
        elif word in takes_value:
            value = next(rest, None)
            arranged.append(word if value is None else f"{word}={value}")
        elif word in counted:
            arranged.append(word)
            arranged.extend(
                value for _, value in zip(range(counted[word]), rest, strict=False)
            )
        elif word.startswith("-") and word != "-":
            arranged.append(word)
        else:
            positionals.append(word)
    if any(word.startswith("-") for word in positionals):
        arranged.append("--")
    return [*arranged, *positionals]


# Argument types: each failure is reported by argparse as a usage error
# naming the option.


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _directory(text: str) -> Path:
    """A directory, or a path where one may be created."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"directory {text!r} is a file")
    return path


def _file(text: str) -> Path:
    """A file, or a path where one may be."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"file {text!r} is a directory")
    return path


def _distro_index(text: str) -> Path:
    """An apt list file, or a directory holding an RPM repository's repodata/."""
    path = Path(text)
    if path.is_dir() and not (path / "repodata" / "repomd.xml").is_file():
        raise argparse.ArgumentTypeError(
            f"directory {text!r} holds no repodata/repomd.xml (an RPM repository)"
        )
    return path


# Options several commands share.


def _jobs_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=default_jobs(),
        metavar="N",
        help=f"{what} at once (default: %(default)s, the CPUs here plus four).",
    )


def _requirements_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--requirements",
        default=None,
        metavar="REPO",
        help="The requirements repo: a directory, or a git URL such as "
        "git+https://host/org/requirements@stable/2026.1 (default: "
        "$ACCORD_REQUIREMENTS, then [tool.accord] requirements in pyproject.toml, "
        "then the first directory holding global-requirements.txt from here up).",
    )


def _format_option(
    parser: argparse.ArgumentParser,
    choices: tuple[str, ...] = ("table", "json"),
    help_text: str = "table for people, json for machines.",
) -> None:
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=choices,
        default=choices[0],
        help=f"{help_text} (default: %(default)s)".lstrip(),
    )


# Commands that report findings also speak the formats CI systems read.
FINDINGS_FORMATS = ("table", "json", "github", "sarif", "junit")
_FINDINGS_HELP = (
    "table for people, json for machines; github (workflow annotations), "
    "sarif (code scanning) or junit (test reports) for CI."
)


def _findings_format_option(parser: argparse.ArgumentParser) -> None:
    _format_option(parser, FINDINGS_FORMATS, _FINDINGS_HELP)


def _workspace_option(parser: argparse.ArgumentParser, help_text: str | None) -> None:
    parser.add_argument(
        "--workspace",
        type=_directory,
        default=None,
        metavar="DIRECTORY",
        help=help_text,
    )


def _central_options(parser: argparse.ArgumentParser, findings: bool = False) -> None:
    """The requirements repo and the output format (with the CI formats for a
    command that reports findings)."""
    _requirements_option(parser)
    if findings:
        _findings_format_option(parser)
    else:
        _format_option(parser)


def _resolving_options(parser: argparse.ArgumentParser, findings: bool = False) -> None:
    """What every resolving command starts from: repo, format, index, Pythons."""
    _central_options(parser, findings)
    _index_options(parser)
    parser.add_argument(
        "--python",
        dest="pythons",
        action="append",
        default=[],
        metavar="X.Y",
        help="Resolve for this Python (repeatable; default: python-versions).",
    )
    _jobs_option(parser, "Pythons to resolve for")


def _index_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Package index (default: accord.toml, then PyPI).",
    )
    parser.add_argument(
        "--extra-index-url",
        action="append",
        default=[],
        metavar="URL",
        help="Another index to search.",
    )
    parser.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="PATH",
        help="A directory or page of distributions.",
    )
    # None, not False: an absent flag leaves accord.toml's setting alone.
    parser.add_argument(
        "--no-index", action="store_true", default=None, help="Use only --find-links."
    )


# The commands: the arguments of each, then the tree.


def _validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo",
        nargs="?",
        default=None,
        metavar="REPO",
        help="The requirements repo, as --requirements takes it.",
    )
    _central_options(parser, findings=True)
    parser.add_argument(
        "--fix",
        action="store_true",
        help="Rewrite the global list's formatting (G016-G018), then validate.",
    )


def _project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", type=Path, metavar="PROJECT", help="The project's directory."
    )
    _central_options(parser, findings=True)


def _sync(parser: argparse.ArgumentParser) -> None:
    _project(parser)
    parser.add_argument(
        "--diff", action="store_true", help="Show a unified diff; write nothing."
    )
    parser.add_argument(
        "--check",
        dest="check_only",
        action="store_true",
        help="Exit 1 if sync would change a file.",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="Remove lines naming libraries not in the list.",
    )


def _who_uses(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="The library (any spelling).")
    _central_options(parser)
    _workspace_option(parser, "Where projects.txt entries live.")


def _fleet_check(parser: argparse.ArgumentParser) -> None:
    _central_options(parser, findings=True)
    _workspace_option(
        parser,
        "Where projects.txt entries live (default: the directory "
        "holding the requirements repo).",
    )
    _jobs_option(parser, "Projects to work on")
    parser.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="Take only the I-th of N slices of the fleet (CI matrices).",
    )


def _fleet_sync(parser: argparse.ArgumentParser) -> None:
    _fleet_check(parser)
    parser.add_argument(
        "--diff",
        action="store_true",
        help="Write nothing; report what would change.",
    )
    parser.add_argument(
        "--check",
        dest="check_only",
        action="store_true",
        help="Exit 1 if any project would change.",
    )
    parser.add_argument(
        "--prune", action="store_true", help="Remove libraries not in the list."
    )


def _vulnerability_options(parser: argparse.ArgumentParser) -> None:
    """The cooldown's exemption of a vulnerable pin's fix (OSV)."""
    parser.add_argument(
        "--osv-url",
        default=None,
        metavar="URL",
        help="OSV-compatible API asked which pins are vulnerable, with a "
        "cooldown (default: [audit] osv-url, then https://api.osv.dev).",
    )
    parser.add_argument(
        "--no-vulnerability-exemption",
        action="store_true",
        help="Hold back a release fixing a vulnerable pin like any other.",
    )


def _generate(parser: argparse.ArgumentParser) -> None:
    _resolving_options(parser)
    _vulnerability_options(parser)
    parser.add_argument(
        "--output",
        default=None,
        metavar="FILE",
        help="Write here instead of the repo's upper-constraints.txt ('-': stdout).",
    )
    parser.add_argument(
        "--diff", action="store_true", help="Show the change; write nothing."
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="Resolve even if every input is what produced the current pins.",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    return value


def _bump(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="The libraries to move; NAME==VERSION pins exactly that release.",
    )
    parser.add_argument(
        "--all",
        dest="bump_all",
        action="store_true",
        help="Move every pin that can move.",
    )
    parser.add_argument(
        "--stable",
        action="store_true",
        help="A stable branch: only the organisation's own libraries may move.",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="With --stable, move other libraries too.",
    )
    parser.add_argument(
        "--propose",
        action="store_true",
        help="Commit the bump in the requirements repo (one commit per library).",
    )
    parser.add_argument(
        "--group", action="store_true", help="With --propose, one commit for all."
    )
    parser.add_argument(
        "--branch",
        default=None,
        metavar="BRANCH",
        help="The requirements repo's branch to bump (the checkout must be on "
        "it, or --propose commits there).",
    )
    parser.add_argument(
        "--wait",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="Poll the index until each NAME==VERSION is there, at most this long.",
    )
    parser.add_argument(
        "--from-tag",
        nargs=2,
        default=None,
        metavar=("GITREPO", "TAG"),
        help="Bump to the release a library's tag names, on the branch it is on.",
    )
    parser.add_argument(
        "--diff", action="store_true", help="Show the change; write nothing."
    )
    _resolving_options(parser)
    _vulnerability_options(parser)


def _verify(parser: argparse.ArgumentParser) -> None:
    _resolving_options(parser, findings=True)


def _export(parser: argparse.ArgumentParser) -> None:
    _requirements_option(parser)
    _format_option(
        parser,
        choices=("pylock", "cyclonedx", "spdx"),
        help_text="pylock: a PEP 751 pylock.toml; cyclonedx: a CycloneDX 1.6 "
        "JSON SBOM; spdx: an SPDX 2.3 JSON SBOM.",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        metavar="FILE",
        help="Write here ('-': stdout; the default).",
    )
    _index_options(parser)
    parser.add_argument(
        "--python",
        dest="pythons",
        action="append",
        default=[],
        metavar="X.Y",
        help="Export the pins of this Python (repeatable; default: python-versions).",
    )


def _coinstall(parser: argparse.ArgumentParser) -> None:
    _resolving_options(parser, findings=True)
    _workspace_option(parser, "Where projects.txt entries live.")
    parser.add_argument(
        "--with-tests",
        action="store_true",
        help="Include the projects' test sources.",
    )


def _lower_bounds(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", type=Path, metavar="PROJECT", help="The project's directory."
    )
    _resolving_options(parser, findings=True)


def _propose(parser: argparse.ArgumentParser) -> None:
    _central_options(parser)
    parser.add_argument(
        "--git-base",
        default=None,
        metavar="URL",
        help="Clone org/name entries from URL/org/name (e.g. https://opendev.org/); "
        "without it, from the origin remote of the entry's checkout in --workspace.",
    )
    parser.add_argument(
        "--workdir",
        type=_directory,
        default=".accord-work",
        metavar="DIRECTORY",
        help="accord's own clones, one per entry, which it fetches, resets and "
        "cleans (never your checkouts). (default: %(default)s)",
    )
    _workspace_option(
        parser,
        "Your checkouts, <workspace>/org/name as fleet reads them, only read for "
        "their origin remote (default: the directory holding the requirements "
        "repo).",
    )
    parser.add_argument(
        "--branch",
        default=None,
        help="Target branch (default: the remote's default; the same stable/* "
        "branch when the requirements repo is on one).",
    )
    parser.add_argument(
        "--topic",
        default="accord/sync",
        help="The branch a proposal is committed on. (default: %(default)s)",
    )
    parser.add_argument(
        "--push",
        action="store_true",
        help="Push the proposals (default: show them).",
    )
    parser.add_argument(
        "--push-url",
        default=None,
        metavar="PATTERN",
        help="Push to PATTERN.format(name=entry).",
    )
    parser.add_argument(
        "--change-id", action="store_true", help="Add a Gerrit Change-Id trailer."
    )
    _jobs_option(parser, "Repositories to work on")


def _review(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets",
        nargs="+",
        metavar="NAME[==VERSION]",
        help="A library to review, optionally a version or a specifier "
        "(default: the latest).",
    )
    _requirements_option(parser)
    _format_option(
        parser,
        ("markdown", "json"),
        help_text="markdown for a review, json for machines.",
    )
    parser.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Simple API (default: accord.toml, PyPI).",
    )
    parser.add_argument(
        "--pypi-json-url",
        default=None,
        metavar="URL",
        help="PyPI-style JSON API (default: PyPI's /pypi/).",
    )
    parser.add_argument(
        "--distro-index",
        dest="distro_files",
        action="append",
        default=[],
        type=_distro_index,
        metavar="FILE_OR_DIR",
        help="A Debian Packages/Sources file, or an RPM repository's directory "
        "(holding repodata/) (repeatable; default: apt's lists).",
    )
    parser.add_argument(
        "--compare",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Fetch the central libraries' metadata to look for duplicates.",
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help="Keep each review's evidence in the requirements repo, as "
        "reviews/NAME.json (a local directory, not a git URL).",
    )


def _review_change(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo",
        nargs="?",
        default=None,
        metavar="REPO",
        help="The requirements repo's work tree (a directory; default: as "
        "--requirements finds it).",
    )
    _requirements_option(parser)
    parser.add_argument(
        "--base",
        default=None,
        metavar="REF",
        help="Compare with REF (default: upstream, else HEAD~1).",
    )
    _format_option(
        parser,
        ("markdown", "json"),
        help_text="markdown for a review, json for machines.",
    )
    parser.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Simple API (default: accord.toml, PyPI).",
    )
    parser.add_argument(
        "--pypi-json-url",
        default=None,
        metavar="URL",
        help="PyPI-style JSON API (default: PyPI's /pypi/).",
    )
    parser.add_argument(
        "--distro-index",
        dest="distro_files",
        action="append",
        default=[],
        type=_distro_index,
        metavar="FILE_OR_DIR",
        help="A Debian Packages/Sources file, or an RPM repository's directory "
        "(holding repodata/) (repeatable; default: apt's lists).",
    )
    _workspace_option(
        parser,
        "Your checkouts, <workspace>/org/name, read to find who uses a removed "
        "library (default: the directory holding the requirements repo).",
    )


def _change_options(parser: argparse.ArgumentParser) -> None:
    """What affected and cross-test share: the change, the fleet, the index."""
    _requirements_option(parser)
    parser.add_argument(
        "--base",
        default=None,
        metavar="REF",
        help="Compare the work tree with REF (default: upstream, else HEAD~1).",
    )
    _workspace_option(
        parser,
        "Where projects.txt entries live (default: the directory holding the "
        "requirements repo).",
    )
    _index_options(parser)


def _affected(parser: argparse.ArgumentParser) -> None:
    _change_options(parser)
    _format_option(
        parser,
        ("table", "json", "github-matrix", "gitlab"),
        help_text="table for people, json for machines; github-matrix "
        "(strategy.matrix) or gitlab (a child pipeline) for CI.",
    )
    parser.add_argument(
        "--chunk",
        type=_positive_int,
        default=None,
        metavar="N",
        help="github-matrix: only the N-th matrix of at most 256 jobs.",
    )
    parser.add_argument(
        "--python",
        dest="pythons",
        action="append",
        default=[],
        metavar="X.Y",
        help="Look at this Python (repeatable; default: python-versions).",
    )
    _jobs_option(parser, "Pythons to build the graph for")


def _cross_test(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "projects",
        nargs="*",
        metavar="PROJECT",
        help="projects.txt entries to test (default: every affected project).",
    )
    _change_options(parser)
    _format_option(parser)
    parser.add_argument(
        "--timeout",
        type=_positive_int,
        default=1800,
        metavar="S",
        help="Seconds each test run may take (default: %(default)s).",
    )
    parser.add_argument(
        "--env-dir",
        type=_directory,
        default=None,
        metavar="DIRECTORY",
        help="Where environments are kept (default: ~/.cache/accord/envs).",
    )
    parser.add_argument(
        "--python",
        dest="interpreter",
        default=None,
        metavar="PYTHON",
        help="The interpreter of the environments (default: the one running accord).",
    )
    _jobs_option(parser, "Projects to test")


def _audit(parser: argparse.ArgumentParser) -> None:
    _central_options(parser, findings=True)
    parser.add_argument(
        "--branch",
        dest="branches",
        action="append",
        default=[],
        metavar="BRANCH",
        help="Audit the pins of this branch of the requirements repo "
        "(repeatable; default: its work tree).",
    )
    parser.add_argument(
        "--osv-url",
        default=None,
        metavar="URL",
        help="OSV-compatible API (default: [audit] osv-url, then https://api.osv.dev).",
    )
    parser.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Simple API (default: accord.toml, PyPI).",
    )
    parser.add_argument(
        "--pypi-json-url",
        default=None,
        metavar="URL",
        help="PyPI-style JSON API, the fallback for vulnerabilities "
        "(default: [index] pypi-json-url, PyPI's for PyPI).",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="ID",
        help="Do not report this vulnerability (an id or alias; repeatable).",
    )
    _jobs_option(parser, "Requests")


def _completion(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shell", choices=("bash", "zsh"), help="The shell to complete in."
    )


def _init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo",
        type=_directory,
        metavar="REPO",
        help="The requirements repo to create (a new or empty directory).",
    )
    parser.add_argument(
        "--from",
        dest="from_dirs",
        action="append",
        default=[],
        type=_directory,
        metavar="DIR",
        help="A project directory (repeatable).",
    )
    parser.add_argument(
        "--from-projects",
        type=_file,
        default=None,
        metavar="FILE",
        help="A file listing project directories, one a line.",
    )
    _workspace_option(
        parser,
        "Every project directly under DIRECTORY or its org directories; with "
        "--from, where projects.txt entries start (default: their common parent).",
    )
    parser.add_argument(
        "--no-pins",
        action="store_true",
        help="Do not generate upper-constraints.txt.",
    )
    parser.add_argument(
        "--force", action="store_true", help="Replace central files that exist."
    )
    _format_option(parser)
    # The index options of the resolving commands (init decides the Pythons
    # itself, and has no --requirements: REPO is what it creates).
    parser.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Package index for licences and pins (default: PyPI).",
    )
    parser.add_argument(
        "--extra-index-url",
        action="append",
        default=[],
        metavar="URL",
        help="Another package index (repeatable).",
    )
    parser.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="PATH",
        help="A directory of wheels to use as well (repeatable).",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        default=None,
        help="Use only --find-links (and read no licences).",
    )
    _jobs_option(parser, "Pythons to resolve for")


def _site(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=_directory,
        required=True,
        metavar="DIRECTORY",
        help="Where to write the site (created if missing; only changed files "
        "are rewritten).",
    )
    _requirements_option(parser)
    _workspace_option(
        parser,
        "Where projects.txt entries live (default: the directory "
        "holding the requirements repo).",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="The URL the site is published at: links become absolute, so a "
        "tox.ini can point at constraints/upper/BRANCH.txt.",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="Then serve it on 127.0.0.1 until interrupted.",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=8000,
        metavar="N",
        help="The port --serve listens on (default: %(default)s; 0: any free one).",
    )
    parser.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Show each library's newest release on this index and its age "
        "(default: ask no index, so the site builds offline).",
    )
    _jobs_option(parser, "Projects to read")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0-65535)")
    return value


def _release(name: str) -> Callable[[argparse.ArgumentParser], None]:
    """The arguments of ``release NAME``, from their own module, loaded only
    when that command's parser is built."""

    def arguments(parser: argparse.ArgumentParser) -> None:
        from accord.cli import _release_options

        getattr(_release_options, name)(parser)

    return arguments


COMMANDS: Mapping[str, Command] = {
    "init": Command(
        "Draft a requirements repo from the fleet that exists.\n\n"
        "Writes projects.txt, global-requirements.txt, denylist.txt, accord.toml "
        "and upper-constraints.txt into REPO, never over an existing file "
        "(unless --force), and says what needs a human.",
        "accord.cli._init:init",
        _init,
    ),
    "validate": Command(
        "Lint the central files of a requirements repo (rules G*).\n\n"
        "REPO is the requirements repo; --requirements says the same.",
        "accord.cli._central:validate",
        _validate,
    ),
    "check": Command(
        "Check a project's requirements against the central files (rules C*).\n\n"
        "Paths in the output are relative to PROJECT.",
        "accord.cli._central:check",
        _project,
    ),
    "sync": Command(
        "Rewrite a project's requirement sources to honour the global list.",
        "accord.cli._central:sync",
        _sync,
    ),
    "who-uses": Command(
        "Every project, file and line that uses library NAME.",
        "accord.cli._central:who_uses",
        _who_uses,
    ),
    "fleet": Command(
        "Check or sync every project named in projects.txt.",
        commands={
            "check": Command(
                "Run accord check on every project, in parallel.",
                "accord.cli._fleet:fleet_check",
                _fleet_check,
            ),
            "sync": Command(
                "Run accord sync on every project, in parallel.",
                "accord.cli._fleet:fleet_sync",
                _fleet_sync,
            ),
        },
    ),
    "constraints": Command(
        "Generate and maintain the exact pins (upper-constraints.txt).",
        commands={
            "generate": Command(
                "Resolve the global list once per Python and merge the pins.",
                "accord.cli._constraints:constraints_generate",
                _generate,
            ),
            "bump": Command(
                "Move NAME... (or --all) to the newest versions the list and "
                "holds allow, or NAME==VERSION exactly.",
                "accord.cli._bump:constraints_bump",
                _bump,
            ),
            "verify": Command(
                "Check that the pins install together and are complete, per Python.",
                "accord.cli._constraints:constraints_verify",
                _verify,
            ),
            "export": Command(
                "Write the pinned set as a pylock.toml or an SBOM "
                "(CycloneDX, SPDX), with each file's hash from the index.",
                "accord.cli._export:constraints_export",
                _export,
            ),
        },
    ),
    "coinstall": Command(
        "Can every project in projects.txt install into one environment?",
        "accord.cli._constraints:coinstall_command",
        _coinstall,
    ),
    "lower-bounds": Command(
        "Do PROJECT's declared minimums install together, on each Python?",
        "accord.cli._constraints:lower_bounds_command",
        _lower_bounds,
    ),
    "propose": Command(
        "Commit sync changes on a topic branch in every project; --push sends them.",
        "accord.cli._propose:propose",
        _propose,
    ),
    "review": Command(
        "Review libraries proposed for the global list, one verdict per criterion.",
        "accord.cli._review:review",
        _review,
    ),
    "review-change": Command(
        "Review a change to the central files: one report for the whole change.",
        "accord.cli._review:review_change",
        _review_change,
    ),
    "affected": Command(
        "Which projects a change of the pins reaches, per Python, and how.",
        "accord.cli._affected:affected",
        _affected,
    ),
    "cross-test": Command(
        "Run the affected projects' tests under the old and the new pins.\n\n"
        "This runs the projects' own code (their tests), by your request.",
        "accord.cli._affected:cross_test",
        _cross_test,
    ),
    "site": Command(
        "Write the fleet at a glance as a static site, and publish the pins of "
        "every branch and tag as constraints/upper/BRANCH.txt.",
        "accord.cli._site:site",
        _site,
    ),
    "audit": Command(
        "Audit the pins: known vulnerabilities, project status (PEP 792), yanked "
        "pins, licence drift and unmaintained libraries (rules A*).",
        "accord.cli._audit:audit_command",
        _audit,
    ),
    "release": Command(
        "Releases through review: request files checked, then tagged, built, "
        "published, announced and handed to the pins.",
        commands={
            "validate": Command(
                "Check the release requests a change adds or edits (rules R*).",
                "accord.cli._release:validate",
                _release("validate"),
            ),
            "next": Command(
                "Append the next release of NAME at its branch head.",
                "accord.cli._release:next_release",
                _release("next_release"),
            ),
            "tag": Command(
                "Tag each new release (annotated; idempotent).",
                "accord.cli._release:tag",
                _release("tag"),
            ),
            "branch": Command(
                "Create each new branch at its released version (idempotent).",
                "accord.cli._release:branch",
                _release("branch"),
            ),
            "build": Command(
                "Build the sdist and wheel of REPO at tag VERSION.",
                "accord.cli._release:build",
                _release("build"),
            ),
            "publish": Command(
                "Upload built files to an index (never overwriting).",
                "accord.cli._release:publish",
                _release("publish"),
            ),
            "notes": Command(
                "The release notes of a release, as Markdown.",
                "accord.cli._release:notes",
                _release("notes"),
            ),
            "run": Command(
                "Validate, tag, build, publish, announce and hand off new releases; "
                "then create the new branches.",
                "accord.cli._release:run",
                _release("run"),
            ),
        },
    ),
    "completion": Command(
        "Print a shell completion script for accord.\n\n"
        "bash: save it as ~/.local/share/bash-completion/completions/accord;\n"
        'zsh: add eval "$(accord completion zsh)" to ~/.zshrc.',
        "accord.cli._completion:completion",
        _completion,
    ),
}
