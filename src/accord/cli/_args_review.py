"""The arguments of propose, review and review-change."""

from __future__ import annotations

import argparse
from pathlib import Path

from accord.cli._options import (
    central_options,
    directory,
    format_option,
    jobs_option,
    location,
    requirements_option,
    workspace_option,
)


def _distro_index(text: str) -> Path:
    """An apt list file, or a directory holding an RPM repository's repodata/."""
    path = Path(text)
    if path.is_dir() and not (path / "repodata" / "repomd.xml").is_file():
        raise argparse.ArgumentTypeError(
            f"directory {text!r} holds no repodata/repomd.xml (an RPM repository)"
        )
    return path


def propose(parser: argparse.ArgumentParser) -> None:
    central_options(parser)
    parser.add_argument(
        "--git-base",
        default=None,
        metavar="URL",
        help="Clone org/name entries from URL/org/name (e.g. https://opendev.org/); "
        "without it, from the origin remote of the entry's checkout in --workspace.",
    )
    parser.add_argument(
        "--workdir",
        type=directory,
        default=".accord-work",
        metavar="DIRECTORY",
        help="accord's own clones, one per entry, which it fetches, resets and "
        "cleans (never your checkouts). (default: %(default)s)",
    )
    workspace_option(
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
    jobs_option(parser, "Repositories to work on")


def review(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets",
        nargs="+",
        metavar="NAME[==VERSION]",
        help="A library to review, optionally a version or a specifier "
        "(default: the latest).",
    )
    requirements_option(parser)
    _evidence_options(parser)
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


def _evidence_options(parser: argparse.ArgumentParser) -> None:
    """What review and review-change share: the report's format and where
    the evidence comes from (the index, its JSON API, distro lists)."""
    format_option(
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
    distro_index_option(parser)


def distro_index_option(
    parser: argparse.ArgumentParser, default: str = "apt's lists"
) -> None:
    """``--distro-index``: the distro lists the distro criterion asks."""
    parser.add_argument(
        "--distro-index",
        dest="distro_files",
        action="append",
        default=[],
        type=_distro_index,
        metavar="FILE_OR_DIR",
        help="A Debian Packages/Sources file, or an RPM repository's directory "
        f"(holding repodata/) (repeatable; default: {default}).",
    )


def review_change(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo",
        nargs="?",
        type=location,
        default=None,
        metavar="REPO",
        help="The requirements repo's work tree (a directory; default: as "
        "--requirements finds it).",
    )
    requirements_option(parser)
    parser.add_argument(
        "--base",
        default=None,
        metavar="REF",
        help="Compare with REF (default: upstream, else HEAD~1).",
    )
    _evidence_options(parser)
    workspace_option(
        parser,
        "Your checkouts, <workspace>/org/name, read to find who uses a removed "
        "library (default: the directory holding the requirements repo).",
    )
