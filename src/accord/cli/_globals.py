"""What every command shares beyond its own arguments.

``-q/--quiet`` and ``--color WHEN`` may stand anywhere on the command line,
before or after the command's name, as ``--verbose`` may: they are taken
out before the command's parser reads the rest. ``--jobs`` has one default
rule for every command that takes it: the CPUs for CPU-bound work, the CPUs
plus four for work that waits.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from accord.cpus import usable_cpus

TYPE_CHECKING = False  # typing's, without importing typing (~12 M instructions)
if TYPE_CHECKING:
    from typing import Literal

    # What a command's parallel jobs spend their time on: computing here, or
    # waiting (on the network, git, a resolver).
    JobsWork = Literal["cpu", "waits"]

COLOR_CHOICES = ("auto", "always", "never")
QUIET_OPTIONS = ("-q", "--quiet")
COLOR_OPTION = "--color"

# Set by every parse, so a run in the same process never inherits it. A
# plain module value, not a ContextVar: the threads a command starts see it
# too, and validate does not import contextvars for it (~2.4 M instructions).
_SETTINGS = {"quiet": False}


class GlobalOptionError(ValueError):
    """A global option with a missing or wrong value."""


def take_global_options(argv: Sequence[str]) -> tuple[list[str], bool, str]:
    """``argv`` without the global options, and what they said: quiet, and
    when to colour. Words after ``--`` are left alone."""
    rest: list[str] = []
    quiet, color = False, "auto"
    words = iter(argv)
    for word in words:
        if word == "--":
            rest += [word, *words]
        elif word in QUIET_OPTIONS:
            quiet = True
        elif word == COLOR_OPTION or word.startswith(f"{COLOR_OPTION}="):
            value = word.partition("=")[2] if "=" in word else next(words, None)
            if value not in COLOR_CHOICES:
                choices = ", ".join(map(repr, COLOR_CHOICES))
                shown = "nothing" if value is None else repr(value)
                raise GlobalOptionError(
                    f"argument {COLOR_OPTION}: expected one of {choices}, got {shown}"
                )
            color = value
        else:
            rest.append(word)
    return rest, quiet, color


def apply_global_options(quiet: bool, color: str) -> None:
    """Make the options hold for this run.

    Colour goes through the environment variables every part of accord
    (and rich) already honours: ``NO_COLOR`` (https://no-color.org) turns
    it off, ``FORCE_COLOR`` on, even off a terminal.
    """
    _SETTINGS["quiet"] = quiet
    if color == "never":
        os.environ["NO_COLOR"] = "1"
        os.environ.pop("FORCE_COLOR", None)
    elif color == "always":
        os.environ["FORCE_COLOR"] = "1"
        os.environ.pop("NO_COLOR", None)


def is_quiet() -> bool:
    """Whether to print only the results: no progress, verdict or notes."""
    return _SETTINGS["quiet"]


def default_jobs(work: JobsWork = "waits") -> int:
    """``--jobs`` when it is not given, by one rule for every command.

    Work done here (reading and checking projects in worker processes,
    running their tests) gets the CPUs this process may use: more workers
    only take turns on them, each loading the requirements repo again
    (``fleet check`` of 1,000 projects on 2 CPUs: 9.3G instructions at
    ``--jobs 2``, 14.3G at 6, and no sooner done). Work that mostly waits
    (uv resolving, git, index and OSV requests) gets the CPUs plus four, at
    most 32, as Python's own thread pools do.
    """
    cpus = usable_cpus()
    return cpus if work == "cpu" else min(32, cpus + 4)


def print_note(message: str) -> None:
    """A note for people on stderr (not a result), unless quiet."""
    if not is_quiet():
        import sys

        print(message, file=sys.stderr)
