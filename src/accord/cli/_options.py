"""Argument types and options several commands share; only argparse is
imported here (and :mod:`accord.cli._globals` for --jobs's default)."""

from __future__ import annotations

import argparse
from pathlib import Path

from accord.cli._globals import default_jobs

TYPE_CHECKING = False  # typing's, without importing typing
if TYPE_CHECKING:
    from accord.cli._globals import JobsWork

# Argument types: each failure is reported by argparse as a usage error
# naming the option.


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def path(text: str) -> Path:
    """A path, never empty: ``Path("")`` is the current directory, which an
    unset ``"$VARIABLE"`` must not silently become."""
    if not text:
        raise argparse.ArgumentTypeError(
            "is empty: give a path ('.' for the current directory)"
        )
    return Path(text)


def location(text: str) -> str:
    """A directory or a git URL, as --requirements takes it; never empty."""
    path(text)
    return text


def directory(text: str) -> Path:
    """A directory, or a path where one may be created."""
    found = path(text)
    if found.exists() and not found.is_dir():
        raise argparse.ArgumentTypeError(f"directory {text!r} is a file")
    return found


def existing_directory(text: str) -> Path:
    """A directory that is there: one to read, never one to create."""
    found = directory(text)
    if not found.is_dir():
        raise argparse.ArgumentTypeError(f"directory {text!r} does not exist")
    return found


def file(text: str) -> Path:
    """A file, or a path where one may be."""
    found = path(text)
    if found.is_dir():
        raise argparse.ArgumentTypeError(f"file {text!r} is a directory")
    return found


# Options several commands share.


def jobs_option(
    parser: argparse.ArgumentParser,
    what: str,
    work: JobsWork = "waits",
    capped: bool = False,
) -> None:
    """``-j/--jobs``, defaulting by the one rule for ``work`` (and saying so);
    ``capped``: the command never starts more worker processes than CPUs."""
    rule = (
        "the CPUs here, as for all CPU-bound work"
        if work == "cpu"
        else "the CPUs here plus four, as for all work that waits on the network"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=positive_int,
        default=default_jobs(work),
        metavar="N",
        help=f"{what} at once (default: %(default)s, {rule})"
        + ("; never more worker processes than the CPUs here." if capped else "."),
    )


def requirements_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--requirements",
        type=location,
        default=None,
        metavar="REPO",
        help="The requirements repo: a directory, or a git URL such as "
        "git+https://host/org/requirements@stable/2026.1 (default: "
        "$ACCORD_REQUIREMENTS, then [tool.accord] requirements in pyproject.toml, "
        "then the first directory holding global-requirements.txt from here up).",
    )


def format_option(
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
FINDINGS_HELP = (
    "table for people, json for machines; github (workflow annotations), "
    "sarif (code scanning) or junit (test reports) for CI."
)


def findings_format_option(parser: argparse.ArgumentParser) -> None:
    format_option(parser, FINDINGS_FORMATS, FINDINGS_HELP)


def workspace_option(parser: argparse.ArgumentParser, help_text: str | None) -> None:
    parser.add_argument(
        "--workspace",
        type=existing_directory,
        default=None,
        metavar="DIRECTORY",
        help=help_text,
    )


def central_options(parser: argparse.ArgumentParser, findings: bool = False) -> None:
    """The requirements repo and the output format (with the CI formats for a
    command that reports findings)."""
    requirements_option(parser)
    if findings:
        findings_format_option(parser)
    else:
        format_option(parser)


def resolving_options(parser: argparse.ArgumentParser, findings: bool = False) -> None:
    """What every resolving command starts from: repo, format, index, Pythons."""
    central_options(parser, findings)
    index_options(parser)
    parser.add_argument(
        "--python",
        dest="pythons",
        action="append",
        default=[],
        metavar="X.Y",
        help="Resolve for this Python (repeatable; default: python-versions).",
    )
    jobs_option(parser, "Pythons to resolve for")


def index_options(parser: argparse.ArgumentParser) -> None:
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
