"""The arguments of the commands on the central files and the fleet: validate,
check, sync, who-uses, fleet, init, site and completion."""

from __future__ import annotations

import argparse

from accord.cli._options import (
    central_options,
    directory,
    file,
    format_option,
    jobs_option,
    location,
    path,
    requirements_option,
    workspace_option,
)


def validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo",
        nargs="?",
        type=location,
        default=None,
        metavar="REPO",
        help="The requirements repo, as --requirements takes it.",
    )
    central_options(parser, findings=True)
    parser.add_argument(
        "--fix",
        action="store_true",
        help="Rewrite the global list's formatting (G016-G018), then validate.",
    )


def project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", type=path, metavar="PROJECT", help="The project's directory."
    )
    central_options(parser, findings=True)


def sync(parser: argparse.ArgumentParser) -> None:
    project(parser)
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


def who_uses(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="The library (any spelling).")
    central_options(parser)
    workspace_option(parser, "Where projects.txt entries live.")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every project's files, and neither read nor write the cache "
        "of what they name ($XDG_CACHE_HOME/accord/who-uses, default ~/.cache)",
    )


def fleet_check(parser: argparse.ArgumentParser) -> None:
    central_options(parser, findings=True)
    workspace_option(
        parser,
        "Where projects.txt entries live (default: the directory "
        "holding the requirements repo).",
    )
    jobs_option(parser, "Projects to work on", "cpu", capped=True)
    parser.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="Take only the I-th of N slices of the fleet (CI matrices).",
    )


def fleet_sync(parser: argparse.ArgumentParser) -> None:
    fleet_check(parser)
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


def completion(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shell", choices=("bash", "zsh"), help="The shell to complete in."
    )


def init(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo",
        type=directory,
        metavar="REPO",
        help="The requirements repo to create (a new or empty directory).",
    )
    parser.add_argument(
        "--from",
        dest="from_dirs",
        action="append",
        default=[],
        type=directory,
        metavar="DIR",
        help="A project directory (repeatable).",
    )
    parser.add_argument(
        "--from-projects",
        type=file,
        default=None,
        metavar="FILE",
        help="A file listing project directories, one a line.",
    )
    workspace_option(
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
    format_option(parser)
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
    jobs_option(parser, "Pythons to resolve for")


def site(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=directory,
        required=True,
        metavar="DIRECTORY",
        help="Where to write the site (created if missing; only changed files "
        "are rewritten). Not in the requirements repo; never over a file no "
        "accord site build wrote.",
    )
    parser.add_argument(
        "--into-existing",
        action="store_true",
        help="Build in a non-empty DIRECTORY no accord site build made, beside "
        "its files (which are kept; one where the site would write is refused).",
    )
    requirements_option(parser)
    workspace_option(
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
    format_option(
        parser,
        help_text="table: a summary line on stderr; json: what was built and "
        "written, on stdout, for machines.",
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
        help="Show each library's newest release on this index and its age, and "
        "publish each branch's pylock.toml and CycloneDX SBOM with the files "
        "this index has (default: ask no index, so the site builds offline).",
    )
    parser.add_argument(
        "--extra-index-url",
        action="append",
        default=[],
        metavar="URL",
        help="Another index for the pylock.toml, the SBOM and --dependencies.",
    )
    parser.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="PATH",
        help="A directory of distributions: publish each branch's pylock.toml "
        "and SBOM with its files (as --index-url does).",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        default=None,
        help="Use only --find-links (for the exports and --dependencies).",
    )
    parser.add_argument(
        "--dependencies",
        action="store_true",
        help="Resolve the pins on each Python with uv (against accord.toml's "
        "index, or the options above) to show which pin requires which "
        "(default: not computed, so the site builds offline).",
    )
    parser.add_argument(
        "--audit",
        type=file,
        default=None,
        metavar="FILE",
        help="Show the findings of this `accord audit --format json` output in "
        "the global list and on the library pages.",
    )
    jobs_option(parser, "Projects to read", "cpu", capped=True)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0-65535)")
    return value
