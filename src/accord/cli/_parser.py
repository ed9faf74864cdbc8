"""Reading the ``accord`` command line with argparse.

Only argparse is imported here; the tree of commands is
:mod:`accord.cli._commands`, and a command's arguments are imported from
their module only when its parser is built.

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
import importlib
import sys
from collections.abc import Sequence

from accord import __version__
from accord.cli._commands import COMMANDS, DESCRIPTION, Command
from accord.cli._examples import epilog
from accord.cli._globals import (
    COLOR_CHOICES,
    GlobalOptionError,
    apply_global_options,
    take_global_options,
)

# Where main() finds what to run: the handler, and the parser whose usage
# a usage error found after parsing should show.
HANDLER, PARSER = "_handler", "_parser"


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
        module, _, function = command.arguments.partition(":")
        getattr(importlib.import_module(module), function)(parser)
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
