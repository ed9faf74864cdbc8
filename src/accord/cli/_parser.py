"""The ``accord`` command tree: every command's arguments, help and handler.

Only argparse is imported here. Each command names its handler as a
``module:function`` string that :func:`accord.cli.main` imports when the
command runs, so building the whole tree stays cheap and ``accord check``
never loads the resolver, review or propose code. Each handler takes the
parsed options as keyword arguments named by their ``dest``.

The command line is read as accord has always read it (it was a click
application): an option's value is the next argument even when that starts
with ``-``, and arguments may come between options. See :func:`_arrange`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from accord import __version__

if TYPE_CHECKING:
    from typing import TypeAlias

    Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# Where main() finds what to run: the handler, and the parser whose usage
# a usage error found after parsing should show.
HANDLER, PARSER = "_handler", "_parser"


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options, plus the handler to run and the parser that read them.

    Exits through argparse (status 2) on bad usage, and for --help.
    """
    parser = build_parser()
    argv = _arrange(parser, sys.argv[1:] if argv is None else argv)
    options, unknown = parser.parse_known_args(argv)
    if unknown:
        # Reported by the command's parser, not the top one as parse_args()
        # would: the usage shown is then the command's own.
        command: argparse.ArgumentParser = getattr(options, PARSER)
        command.error(f"unrecognized arguments: {' '.join(unknown)}")
    return options


def _arrange(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``argv`` rewritten so that argparse reads it as accord's users write it.

    argparse will not take ``-x`` as the value in ``--branch -x``, and stops
    reading NAME... at the first option in ``bump a --diff b``. So every
    value is joined to its option (``--branch=-x``) and the positionals are
    moved after the options. Anything argparse should reject is left for it
    to reject, with its usual message.
    """
    arranged: list[str] = []
    rest = iter(argv)
    while (commands := _subcommands(parser)) is not None:
        for word in rest:
            arranged.append(word)
            if word in commands:
                parser = commands[word]
                break
            if not word.startswith("-"):
                return [*arranged, *rest]  # not a command: argparse says so
        else:
            return arranged
    takes_value = {
        option
        for action in parser._actions
        if action.nargs is None
        for option in action.option_strings
    }
    positionals: list[str] = []
    for word in rest:
        if word == "--":
            positionals.extend(rest)
        elif word in takes_value:
            value = next(rest, None)
            arranged.append(word if value is None else f"{word}={value}")
        elif word.startswith("-") and word != "-":
            arranged.append(word)
        else:
            positionals.append(word)
    if any(word.startswith("-") for word in positionals):
        arranged.append("--")
    return [*arranged, *positionals]


def _subcommands(
    parser: argparse.ArgumentParser,
) -> dict[str, argparse.ArgumentParser] | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accord",
        description="Keep many Python projects on one coherent, reviewed set of "
        "dependencies.",
        allow_abbrev=False,
    )
    parser.add_argument(
        "--version", action="version", version=f"accord, version {__version__}"
    )
    parser.set_defaults(**{HANDLER: None, PARSER: parser})
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _central_commands(commands)
    _fleet_commands(commands)
    _resolving_commands(commands)
    _propose_command(commands)
    _review_commands(commands)
    return parser


def _command(
    commands: Commands, name: str, handler: str | None, description: str
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name,
        help=description.split("\n", 1)[0],
        description=description,
        # The descriptions are written as paragraphs: keep their breaks.
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # Accepting --req for --requirements would make every later option
        # starting with the same letters a breaking change.
        allow_abbrev=False,
    )
    parser.set_defaults(**{HANDLER: handler, PARSER: parser})
    return parser


def _group(commands: Commands, name: str, description: str) -> Commands:
    return _command(commands, name, None, description).add_subparsers(
        title="commands", metavar="COMMAND"
    )


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


# Options several commands share.


def _requirements_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--requirements",
        type=Path,
        default=None,
        metavar="REPO",
        help="The requirements repo holding the central files "
        "(default: the current directory).",
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


def _workspace_option(parser: argparse.ArgumentParser, help_text: str | None) -> None:
    parser.add_argument(
        "--workspace",
        type=_directory,
        default=None,
        metavar="DIRECTORY",
        help=help_text,
    )


def _central_options(parser: argparse.ArgumentParser) -> None:
    _requirements_option(parser)
    _format_option(parser)


def _resolving_options(parser: argparse.ArgumentParser) -> None:
    """What every resolving command starts from: repo, format, index, Pythons."""
    _central_options(parser)
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
    parser.add_argument(
        "--python",
        dest="pythons",
        action="append",
        default=[],
        metavar="X.Y",
        help="Resolve for this Python (repeatable; default: python-versions).",
    )
    parser.add_argument("-j", "--jobs", type=_positive_int, default=None, metavar="N")


def _central_commands(commands: Commands) -> None:
    validate = _command(
        commands,
        "validate",
        "accord.cli._central:validate",
        "Lint the central files of a requirements repo (rules G*).\n\n"
        "REPO is the requirements repo; --requirements says the same.",
    )
    validate.add_argument("repo", nargs="?", type=Path, default=None, metavar="REPO")
    _central_options(validate)

    check = _command(
        commands,
        "check",
        "accord.cli._central:check",
        "Check a project's requirements against the central files (rules C*).\n\n"
        "Paths in the output are relative to PROJECT.",
    )
    check.add_argument("project", type=Path, metavar="PROJECT")
    _central_options(check)

    sync = _command(
        commands,
        "sync",
        "accord.cli._central:sync",
        "Rewrite a project's requirement sources to honour the global list.",
    )
    sync.add_argument("project", type=Path, metavar="PROJECT")
    _central_options(sync)
    sync.add_argument(
        "--diff", action="store_true", help="Show a unified diff; write nothing."
    )
    sync.add_argument(
        "--check",
        dest="check_only",
        action="store_true",
        help="Exit 1 if sync would change a file.",
    )
    sync.add_argument(
        "--prune",
        action="store_true",
        help="Remove lines naming libraries not in the list.",
    )

    who_uses = _command(
        commands,
        "who-uses",
        "accord.cli._central:who_uses",
        "Every project, file and line that uses library NAME.",
    )
    who_uses.add_argument("name", metavar="NAME")
    _central_options(who_uses)
    _workspace_option(who_uses, "Where projects.txt entries live.")


def _fleet_commands(commands: Commands) -> None:
    fleet = _group(
        commands, "fleet", "Check or sync every project named in projects.txt."
    )

    def fleet_options(parser: argparse.ArgumentParser) -> None:
        _central_options(parser)
        _workspace_option(
            parser,
            "Where projects.txt entries live (default: the directory "
            "holding the requirements repo).",
        )
        parser.add_argument(
            "-j",
            "--jobs",
            type=_positive_int,
            default=None,
            metavar="N",
            help="Worker processes (default: one per CPU).",
        )
        parser.add_argument(
            "--shard",
            default=None,
            metavar="I/N",
            help="Take only the I-th of N slices of the fleet (CI matrices).",
        )

    check = _command(
        fleet,
        "check",
        "accord.cli._fleet:fleet_check",
        "Run accord check on every project, in parallel.",
    )
    fleet_options(check)

    sync = _command(
        fleet,
        "sync",
        "accord.cli._fleet:fleet_sync",
        "Run accord sync on every project, in parallel.",
    )
    fleet_options(sync)
    sync.add_argument(
        "--diff",
        action="store_true",
        help="Write nothing; report what would change.",
    )
    sync.add_argument(
        "--check",
        dest="check_only",
        action="store_true",
        help="Exit 1 if any project would change.",
    )
    sync.add_argument(
        "--prune", action="store_true", help="Remove libraries not in the list."
    )


def _resolving_commands(commands: Commands) -> None:
    constraints = _group(
        commands,
        "constraints",
        "Generate and maintain the exact pins (upper-constraints.txt).",
    )

    generate = _command(
        constraints,
        "generate",
        "accord.cli._constraints:constraints_generate",
        "Resolve the global list once per Python and merge the pins.",
    )
    _resolving_options(generate)
    generate.add_argument(
        "--output",
        default=None,
        metavar="FILE",
        help="Write here instead of the repo's upper-constraints.txt ('-': stdout).",
    )
    generate.add_argument(
        "--diff", action="store_true", help="Show the change; write nothing."
    )
    generate.add_argument(
        "--refresh",
        action="store_true",
        help="Resolve even if every input is what produced the current pins.",
    )

    bump = _command(
        constraints,
        "bump",
        "accord.cli._constraints:constraints_bump",
        "Move NAME... (or --all) to the newest versions the list and holds allow.",
    )
    bump.add_argument("names", nargs="*", metavar="NAME")
    bump.add_argument(
        "--all",
        dest="bump_all",
        action="store_true",
        help="Move every pin that can move.",
    )
    bump.add_argument(
        "--stable",
        action="store_true",
        help="A stable branch: only the organisation's own libraries may move.",
    )
    bump.add_argument(
        "--force",
        action="store_true",
        help="With --stable, move other libraries too.",
    )
    bump.add_argument(
        "--propose",
        action="store_true",
        help="Commit the bump in the requirements repo (one commit per library).",
    )
    bump.add_argument(
        "--group", action="store_true", help="With --propose, one commit for all."
    )
    bump.add_argument(
        "--diff", action="store_true", help="Show the change; write nothing."
    )
    _resolving_options(bump)

    verify = _command(
        constraints,
        "verify",
        "accord.cli._constraints:constraints_verify",
        "Check that the pins install together and are complete, per Python.",
    )
    _resolving_options(verify)

    coinstall = _command(
        commands,
        "coinstall",
        "accord.cli._constraints:coinstall_command",
        "Can every project in projects.txt install into one environment?",
    )
    _resolving_options(coinstall)
    _workspace_option(coinstall, "Where projects.txt entries live.")
    coinstall.add_argument(
        "--with-tests",
        action="store_true",
        help="Include the projects' test sources.",
    )

    lower_bounds = _command(
        commands,
        "lower-bounds",
        "accord.cli._constraints:lower_bounds_command",
        "Do PROJECT's declared minimums install together, on each Python?",
    )
    lower_bounds.add_argument("project", type=Path, metavar="PROJECT")
    _resolving_options(lower_bounds)


def _propose_command(commands: Commands) -> None:
    propose = _command(
        commands,
        "propose",
        "accord.cli._propose:propose",
        "Commit sync changes on a topic branch in every project; --push sends them.",
    )
    _central_options(propose)
    propose.add_argument(
        "--git-base",
        default=None,
        metavar="URL",
        help="Clone org/name entries from URL/org/name (e.g. https://opendev.org/).",
    )
    propose.add_argument(
        "--workdir",
        type=_directory,
        default=".accord-work",
        metavar="DIRECTORY",
        help="Where the cached clones live. (default: %(default)s)",
    )
    propose.add_argument(
        "--branch", default=None, help="Target branch (default: the default)."
    )
    propose.add_argument(
        "--topic", default="accord/sync", help="(default: %(default)s)"
    )
    propose.add_argument(
        "--push",
        action="store_true",
        help="Push the proposals (default: show them).",
    )
    propose.add_argument(
        "--push-url",
        default=None,
        metavar="PATTERN",
        help="Push to PATTERN.format(name=entry).",
    )
    propose.add_argument(
        "--change-id", action="store_true", help="Add a Gerrit Change-Id trailer."
    )
    propose.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        default=4,
        metavar="N",
        help="(default: %(default)s)",
    )


def _review_commands(commands: Commands) -> None:
    review = _command(
        commands,
        "review",
        "accord.cli._review:review",
        "Review libraries proposed for the global list, one verdict per criterion.",
    )
    review.add_argument("targets", nargs="+", metavar="NAME[==VERSION]")
    _requirements_option(review)
    _format_option(review, ("markdown", "json"), help_text="")
    review.add_argument(
        "--index-url",
        default=None,
        metavar="URL",
        help="Simple API (default: accord.toml, PyPI).",
    )
    review.add_argument(
        "--pypi-json-url",
        default=None,
        metavar="URL",
        help="PyPI-style JSON API (default: PyPI's /pypi/).",
    )
    review.add_argument(
        "--distro-index",
        dest="distro_files",
        action="append",
        default=[],
        type=_file,
        metavar="FILE",
        help="A Debian Packages/Sources file (repeatable; default: apt's lists).",
    )
    review.add_argument(
        "--compare",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Fetch the central libraries' metadata to look for duplicates.",
    )

    change = _command(
        commands,
        "review-change",
        "accord.cli._review:review_change",
        "Review a change to the central files: one report for the whole change.",
    )
    change.add_argument("repo", nargs="?", type=Path, default=None, metavar="REPO")
    _requirements_option(change)
    change.add_argument(
        "--base",
        default=None,
        metavar="REF",
        help="Compare with REF (default: upstream, else HEAD~1).",
    )
    _format_option(change, ("markdown", "json"), help_text="")
    change.add_argument("--index-url", default=None, metavar="URL")
    change.add_argument("--pypi-json-url", default=None, metavar="URL")
    change.add_argument(
        "--distro-index",
        dest="distro_files",
        action="append",
        default=[],
        type=_file,
        metavar="FILE",
    )
    _workspace_option(change, None)
