"""Central lines that cannot be read (validate's G001), for the commands
that must not go on without them.

A command that resolves from the global list or under the pins, or writes
them, would leave such a line's library out without a word: it refuses
(bad input, exit 2) naming the first such line. Reporting commands report
the line instead (see README, "Lines that cannot be read")."""

from __future__ import annotations

from collections.abc import Iterable

from packaging.utils import canonicalize_name

from accord.central import CentralRepo
from accord.errors import InputError

HINT = "fix it first (accord validate shows every such line)"


def refuse_unreadable(
    central: CentralRepo,
    *,
    global_list: bool = True,
    pins: bool = True,
    hint: str = HINT,
) -> None:
    """Raise InputError for the first line of the global list (if
    ``global_list``) or the pins (if ``pins``) that cannot be read, or the
    first pin that is not an exact pin (``requests==2.32.5``)."""
    if global_list:
        listed = central.global_list
        for line in listed.invalid_lines():
            raise InputError(
                line.complaint, path=listed.path, line=line.lineno, hint=hint
            )
    constraints = central.constraints
    if not pins or constraints is None:
        return
    for line in constraints.file.invalid_lines():
        raise InputError(
            line.complaint, path=constraints.path, line=line.lineno, hint=hint
        )
    for malformed in constraints.malformed:
        raise InputError(
            f"{malformed.line.requirement.name}: {malformed.reason}",
            path=constraints.path,
            line=malformed.line.lineno,
            hint=hint,
        )


def refuse_unreadable_named(central: CentralRepo, names: Iterable[str]) -> None:
    """Raise InputError for a line of the global list naming one of
    ``names`` that cannot be read: the list names the library there, so it
    is neither "already listed" as some line nor new (review)."""
    listed = central.global_list
    for name in names:
        for line in listed.unreadable_for(canonicalize_name(name)):
            raise InputError(
                f"{line.complaint}: the global list names {name} here, so "
                "whether it is listed already cannot be told",
                path=listed.path,
                line=line.lineno,
                hint=f"{HINT}; nothing was reviewed",
            )
