"""The arguments of ``accord release ...``; only argparse is imported here
(the command tree in :mod:`accord.cli._commands` names the handlers)."""

from __future__ import annotations

import argparse
from pathlib import Path

from accord.cli._options import path

BUMPS = ("bugfix", "feature", "major", "rc", "beta")
FORMATS = ("table", "json", "github", "sarif", "junit")


def _releases(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "releases",
        nargs="?",
        type=path,
        default=Path(),
        metavar="RELEASES_REPO",
        help="The releases repo holding deliverables/<series>/<name>.yaml "
        "(default: the current directory).",
    )


def _releases_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--releases",
        type=path,
        default=Path(),
        metavar="RELEASES_REPO",
        help="The releases repo (default: the current directory).",
    )


def _base(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        default=None,
        metavar="REF",
        help="Check only the requests changed since REF (default: every request).",
    )


def _git_base(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument(
        "--git-base",
        default=None,
        required=required,
        metavar="DIR_OR_URL",
        help="Where repo: org/name is: DIR_OR_URL/org/name (a directory is read "
        "in place; a URL is cloned into --workdir). Without it, no git checks.",
    )
    parser.add_argument(
        "--workdir",
        type=path,
        default=Path(".accord-work"),
        metavar="DIRECTORY",
        help="accord's clones of repositories given by URL. (default: %(default)s)",
    )


def _format(parser: argparse.ArgumentParser, findings: bool = True) -> None:
    choices = FORMATS if findings else FORMATS[:2]
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=choices,
        default="table",
        help="table for people, json for machines"
        + ("; github, sarif or junit for CI." if findings else ".")
        + " (default: %(default)s)",
    )


def _build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=path,
        default=Path("dist"),
        metavar="DIRECTORY",
        help="Where the sdist, wheel and SHA256SUMS go. (default: %(default)s)",
    )
    parser.add_argument(
        "--find-links",
        action="append",
        default=[],
        metavar="PATH",
        help="A directory of build dependencies (repeatable).",
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="Install build dependencies only from --find-links.",
    )


def _publish_options(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument(
        "--index",
        required=required,
        default=None,
        metavar="URL",
        help="The upload URL of the package index (e.g. https://upload.pypi.org/legacy/).",
    )
    parser.add_argument(
        "--check-url",
        default=None,
        metavar="URL",
        help="The index's simple API, to skip files it already has "
        "(default: the upload URL's /simple/).",
    )


def validate(parser: argparse.ArgumentParser) -> None:
    _releases(parser)
    _base(parser)
    _git_base(parser)
    parser.add_argument(
        "--requirements",
        default=None,
        metavar="REPO",
        help="Also run accord check on each release's commit against this "
        "requirements repo (rule R015).",
    )
    _format(parser)


def next_release(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="The deliverable.")
    parser.add_argument("bump", choices=BUMPS, help="The kind of release.")
    _releases_option(parser)
    parser.add_argument(
        "--series",
        default=None,
        help="The series directory (default: the newest with NAME).",
    )
    _git_base(parser, required=True)
    parser.add_argument(
        "--diff", action="store_true", help="Show the entry; write nothing."
    )
    _format(parser, findings=False)


def _sign_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sign-key",
        default=None,
        metavar="KEY",
        help="Sign the tags with this gpg key (default: $ACCORD_RELEASE_SIGN_KEY; "
        "unset or empty: annotated, unsigned). With a key, an existing unsigned "
        "tag is refused.",
    )


def tag(parser: argparse.ArgumentParser) -> None:
    _releases(parser)
    _base(parser)
    _git_base(parser, required=True)
    _sign_key(parser)
    _format(parser, findings=False)


def branch(parser: argparse.ArgumentParser) -> None:
    _releases(parser)
    _base(parser)
    _git_base(parser, required=True)
    _format(parser, findings=False)


def build(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", metavar="REPO", help="The repository, org/name.")
    parser.add_argument("version", metavar="VERSION", help="The tag to build.")
    _git_base(parser, required=True)
    _build_options(parser)
    _format(parser, findings=False)


def publish(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dist",
        type=path,
        metavar="DIRECTORY",
        help="A directory `release build` wrote (its SHA256SUMS is checked).",
    )
    _publish_options(parser, required=True)
    _format(parser, findings=False)


def notes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="The deliverable.")
    parser.add_argument(
        "version",
        nargs="?",
        default=None,
        metavar="VERSION",
        help="The release (default: its newest entry).",
    )
    _releases_option(parser)
    _git_base(parser, required=True)
    _format(parser, findings=False)


def run(parser: argparse.ArgumentParser) -> None:
    _releases(parser)
    _base(parser)
    _git_base(parser, required=True)
    _build_options(parser)
    _publish_options(parser, required=False)
    parser.add_argument(
        "--announce",
        type=path,
        default=None,
        metavar="DIRECTORY",
        help="Write each announcement here (default: --out).",
    )
    parser.add_argument(
        "--requirements",
        default=None,
        metavar="REPO",
        help="The requirements repo whose pin a library release moves "
        "(committed there on the tag's branch); without it, no hand-off.",
    )
    _sign_key(parser)
    _format(parser, findings=False)
