"""What the resolving commands share: the resolver started from their
options, and for generate and bump, which names may move and the report."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    check_pythons,
    resolver_for,
)

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.resolve.generate import Generated
    from accord.resolve.uv import UvResolver


@dataclass(frozen=True)
class Resolving:
    """What every resolving command starts from, built from its options."""

    root: Path
    central: CentralRepo
    pythons: tuple[str, ...]
    resolver: UvResolver
    jobs: int


@contextlib.contextmanager
def resolving_from(
    requirements: str | None,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
    jobs: int | None,
    project: Path | None = None,
    local_only: str | None = None,
) -> Iterator[Resolving]:
    """The options every resolving command shares, with the resolver running."""
    from accord.central import load_central_repo
    from accord.cli._globals import default_jobs
    from accord.locate import requirements_repo

    root = requirements_repo(requirements, project, local_only=local_only)
    central = load_central_repo(root)
    targets = tuple(pythons or central.config.python_versions)
    check_pythons(targets)
    resolver = resolver_for(
        central, root, index_url, extra_index_url, find_links, no_index, targets
    )
    with resolver:
        yield Resolving(root, central, targets, resolver, jobs or default_jobs())


def refuse_unreadable_list(central: CentralRepo) -> None:
    """Pins are made from every line of the global list, and the pins read
    are kept as preferences: a line of either that cannot be read would drop
    its library without a word, so it stops the run first (bad input, naming
    the line)."""
    from accord.unreadable import HINT, refuse_unreadable

    refuse_unreadable(central, hint=f"{HINT}; nothing was resolved")


def refuse_unreadable_pins(central: CentralRepo) -> None:
    """coinstall and lower-bounds resolve under the pins: one that cannot be
    read would leave its library unconstrained without a word."""
    from accord.unreadable import HINT, refuse_unreadable

    refuse_unreadable(central, global_list=False, hint=f"{HINT}; nothing was resolved")


def check_bumpable(central: CentralRepo, names: Sequence[str]) -> None:
    """Only what the global list has or the pins hold (a library pinned
    because a listed one needs it) can be bumped."""
    from packaging.utils import canonicalize_name

    from accord.resolve.generate import excluded_names

    known = set(central.global_list.names())
    if central.constraints is not None:
        known |= {pin.name for pin in central.constraints.pins}
    excluded = excluded_names(central)
    for name in names:
        canonical = canonicalize_name(name)
        if canonical not in known:
            raise UsageError(
                f"{name} is not in {central.global_list.path} (nor pinned): "
                "only listed libraries and what they need have pins to bump"
            )
        if canonical in excluded:
            raise UsageError(f"{name} is never pinned (denylisted or unpinned)")


def report_generated(
    resolving: Resolving,
    result: Generated,
    output_format: str,
    written: str | None,
    diff: bool,
    to_stderr: bool = False,
    command: str = "constraints generate",
) -> int:
    from accord.report.constraints import render_generated

    constraints = resolving.central.constraints
    old_text = constraints.file.text if constraints else ""
    report = render_generated(result, output_format, old_text, written, diff, command)
    if report:
        print(report, file=sys.stderr if to_stderr else sys.stdout)
    return EXIT_FINDINGS if result.failures else EXIT_OK
