"""The arguments of the commands on the pins: constraints generate, bump,
verify and export, coinstall, lower-bounds, affected, cross-test and audit."""

from __future__ import annotations

import argparse

from accord.cli._args_review import distro_index_option
from accord.cli._options import (
    central_options,
    directory,
    format_option,
    index_options,
    jobs_option,
    path,
    positive_int,
    requirements_option,
    resolving_options,
    workspace_option,
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


def generate(parser: argparse.ArgumentParser) -> None:
    resolving_options(parser)
    _vulnerability_options(parser)
    parser.add_argument(
        "-o",
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


def bump(parser: argparse.ArgumentParser) -> None:
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
    resolving_options(parser)
    _vulnerability_options(parser)


def verify(parser: argparse.ArgumentParser) -> None:
    resolving_options(parser, findings=True)


def export(parser: argparse.ArgumentParser) -> None:
    requirements_option(parser)
    format_option(
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
    index_options(parser)
    parser.add_argument(
        "--python",
        dest="pythons",
        action="append",
        default=[],
        metavar="X.Y",
        help="Export the pins of this Python (repeatable; default: python-versions).",
    )


def coinstall(parser: argparse.ArgumentParser) -> None:
    resolving_options(parser, findings=True)
    workspace_option(parser, "Where projects.txt entries live.")
    parser.add_argument(
        "--with-tests",
        action="store_true",
        help="Include the projects' test sources.",
    )


def lower_bounds(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "project", type=path, metavar="PROJECT", help="The project's directory."
    )
    resolving_options(parser, findings=True)


def _change_options(parser: argparse.ArgumentParser) -> None:
    """What affected and cross-test share: the change, the fleet, the index."""
    requirements_option(parser)
    parser.add_argument(
        "--base",
        default=None,
        metavar="REF",
        help="Compare the work tree with REF (default: upstream, else HEAD~1).",
    )
    workspace_option(
        parser,
        "Where projects.txt entries live (default: the directory holding the "
        "requirements repo).",
    )
    index_options(parser)


def affected(parser: argparse.ArgumentParser) -> None:
    _change_options(parser)
    format_option(
        parser,
        ("table", "json", "github-matrix", "gitlab"),
        help_text="table for people, json for machines; github-matrix "
        "(strategy.matrix) or gitlab (a child pipeline) for CI.",
    )
    parser.add_argument(
        "--chunk",
        type=positive_int,
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
    jobs_option(parser, "Pythons to build the graph for")


def cross_test(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "projects",
        nargs="*",
        metavar="PROJECT",
        help="projects.txt entries to test (default: every affected project).",
    )
    _change_options(parser)
    format_option(parser)
    parser.add_argument(
        "--timeout",
        type=positive_int,
        default=1800,
        metavar="S",
        help="Seconds each test run may take (default: %(default)s).",
    )
    parser.add_argument(
        "--env-dir",
        type=directory,
        default=None,
        metavar="DIRECTORY",
        help="Where environments are kept (default: ~/.cache/accord/envs).",
    )
    parser.add_argument(
        "--python",
        dest="interpreter",
        default=None,
        metavar="X.Y|PATH",
        help="The Python of the environments: a version (one installed here, "
        "found by uv) or an interpreter (default: the one running accord).",
    )
    jobs_option(parser, "Projects to test", "cpu")


def audit(parser: argparse.ArgumentParser) -> None:
    central_options(parser, findings=True)
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
    distro_index_option(
        parser, "apt's lists; asked only of the libraries with a reviews/NAME.json"
    )
    jobs_option(parser, "Requests")
