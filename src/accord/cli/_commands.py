"""The ``accord`` command tree: every command's description, handler and
arguments.

Each command names its handler and its arguments function as
``module:function`` strings: :func:`accord.cli.main` imports the handler when
the command runs, and :mod:`accord.cli._parser` imports the arguments when it
builds that command's parser. So ``accord check`` loads only check's
arguments (:mod:`accord.cli._args_central`), never the resolver, review or
propose code. Each handler takes the parsed options as keyword arguments
named by their ``dest``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping

TYPE_CHECKING = False  # typing's, without importing typing (~12 M instructions)

DESCRIPTION = "Keep many Python projects on one coherent, reviewed set of dependencies."


if TYPE_CHECKING:
    from typing import NamedTuple

    class Command(NamedTuple):
        """A command (a handler and its arguments) or a group of commands."""

        description: str
        handler: str | None = None  # "module:function"; None for a group
        # "module:function" taking the command's parser; None for no arguments
        arguments: str | None = None
        commands: Mapping[str, Command] = {}

else:  # the same at run time
    Command = namedtuple(
        "Command",
        ["description", "handler", "arguments", "commands"],
        defaults=[None, None, {}],
    )


COMMANDS: Mapping[str, Command] = {
    "init": Command(
        "Draft a requirements repo from the fleet that exists.\n\n"
        "Writes projects.txt, global-requirements.txt, denylist.txt, accord.toml "
        "and upper-constraints.txt into REPO, never over an existing file "
        "(unless --force), and says what needs a human.",
        "accord.cli._init:init",
        "accord.cli._args_central:init",
    ),
    "validate": Command(
        "Lint the central files of a requirements repo (rules G*).\n\n"
        "REPO is the requirements repo; --requirements says the same.",
        "accord.cli._central:validate",
        "accord.cli._args_central:validate",
    ),
    "check": Command(
        "Check a project's requirements against the central files (rules C*).\n\n"
        "Paths in the output are relative to PROJECT.",
        "accord.cli._central:check",
        "accord.cli._args_central:project",
    ),
    "sync": Command(
        "Rewrite a project's requirement sources to honour the global list.",
        "accord.cli._central:sync",
        "accord.cli._args_central:sync",
    ),
    "who-uses": Command(
        "Every project, file and line that uses library NAME.",
        "accord.cli._who_uses:who_uses",
        "accord.cli._args_central:who_uses",
    ),
    "fleet": Command(
        "Check or sync every project named in projects.txt.",
        commands={
            "check": Command(
                "Run accord check on every project, in parallel.",
                "accord.cli._fleet:fleet_check",
                "accord.cli._args_central:fleet_check",
            ),
            "sync": Command(
                "Run accord sync on every project, in parallel.",
                "accord.cli._fleet:fleet_sync",
                "accord.cli._args_central:fleet_sync",
            ),
        },
    ),
    "constraints": Command(
        "Generate and maintain the exact pins (upper-constraints.txt).",
        commands={
            "generate": Command(
                "Resolve the global list once per Python and merge the pins.",
                "accord.cli._constraints:constraints_generate",
                "accord.cli._args_constraints:generate",
            ),
            "bump": Command(
                "Move NAME... (or --all) to the newest versions the list and "
                "holds allow, or NAME==VERSION exactly.",
                "accord.cli._bump:constraints_bump",
                "accord.cli._args_constraints:bump",
            ),
            "verify": Command(
                "Check that the pins install together and are complete, per Python.",
                "accord.cli._constraints:constraints_verify",
                "accord.cli._args_constraints:verify",
            ),
            "export": Command(
                "Write the pinned set as a pylock.toml or an SBOM "
                "(CycloneDX, SPDX), with each file's hash from the index.",
                "accord.cli._export:constraints_export",
                "accord.cli._args_constraints:export",
            ),
        },
    ),
    "coinstall": Command(
        "Can every project in projects.txt install into one environment?",
        "accord.cli._constraints:coinstall_command",
        "accord.cli._args_constraints:coinstall",
    ),
    "lower-bounds": Command(
        "Do PROJECT's declared minimums install together, on each Python?",
        "accord.cli._constraints:lower_bounds_command",
        "accord.cli._args_constraints:lower_bounds",
    ),
    "propose": Command(
        "Commit sync changes on a topic branch in every project; --push sends them.",
        "accord.cli._propose:propose",
        "accord.cli._args_review:propose",
    ),
    "review": Command(
        "Review libraries proposed for the global list, one verdict per criterion.",
        "accord.cli._review:review",
        "accord.cli._args_review:review",
    ),
    "review-change": Command(
        "Review a change to the central files: one report for the whole change.",
        "accord.cli._review:review_change",
        "accord.cli._args_review:review_change",
    ),
    "affected": Command(
        "Which projects a change of the pins reaches, per Python, and how.",
        "accord.cli._affected:affected",
        "accord.cli._args_constraints:affected",
    ),
    "cross-test": Command(
        "Run the affected projects' tests under the old and the new pins.\n\n"
        "This runs the projects' own code (their tests), by your request.",
        "accord.cli._affected:cross_test",
        "accord.cli._args_constraints:cross_test",
    ),
    "site": Command(
        "Write the fleet at a glance as a static site, and publish the pins of "
        "every branch and tag as constraints/upper/BRANCH.txt.",
        "accord.cli._site:site",
        "accord.cli._args_central:site",
    ),
    "audit": Command(
        "Audit the pins: known vulnerabilities, project status (PEP 792), yanked "
        "pins, licence drift and unmaintained libraries (rules A*).",
        "accord.cli._audit:audit_command",
        "accord.cli._args_constraints:audit",
    ),
    "release": Command(
        "Releases through review: request files checked, then tagged, built, "
        "published, announced and handed to the pins.",
        commands={
            "validate": Command(
                "Check the release requests a change adds or edits (rules R*).",
                "accord.cli._release:validate",
                "accord.cli._release_options:validate",
            ),
            "next": Command(
                "Append the next release of NAME at its branch head.",
                "accord.cli._release:next_release",
                "accord.cli._release_options:next_release",
            ),
            "tag": Command(
                "Tag each new release (annotated; idempotent).",
                "accord.cli._release:tag",
                "accord.cli._release_options:tag",
            ),
            "branch": Command(
                "Create each new branch at its released version (idempotent).",
                "accord.cli._release:branch",
                "accord.cli._release_options:branch",
            ),
            "build": Command(
                "Build the sdist and wheel of REPO at tag VERSION.",
                "accord.cli._release:build",
                "accord.cli._release_options:build",
            ),
            "publish": Command(
                "Upload built files to an index (never overwriting).",
                "accord.cli._release:publish",
                "accord.cli._release_options:publish",
            ),
            "notes": Command(
                "The release notes of a release, as Markdown.",
                "accord.cli._release:notes",
                "accord.cli._release_options:notes",
            ),
            "run": Command(
                "Validate, tag, build, publish, announce and hand off new releases; "
                "then create the new branches.",
                "accord.cli._release:run",
                "accord.cli._release_options:run",
            ),
        },
    ),
    "completion": Command(
        "Print a shell completion script for accord.\n\n"
        "bash: save it as ~/.local/share/bash-completion/completions/accord;\n"
        'zsh: add eval "$(accord completion zsh)" to ~/.zshrc.',
        "accord.cli._completion:completion",
        "accord.cli._args_central:completion",
    ),
}
