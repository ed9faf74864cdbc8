"""A project line the global list does not list (C002), told apart from one
whose line in the global list cannot be read (C022); and C022 for a line
whose library's pin cannot be read.

``requests!=2.32.0,,`` in the global list is no entry (validate says G001),
but it is no absence either: the list names requests. Checking a project's
``requests`` line then has nothing to compare with, and saying "not in the
global list" would be wrong (and ``sync --prune`` would remove the line).
One readable line beside an unreadable one is no better: judged against
half the list, the line would be told to take the readable line's marker."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import NormalizedName

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.requirements_file import canonical_name


def unlisted(
    name: str, where: tuple[str, int], central: CentralRepo, what: str = ""
) -> tuple[Finding, bool]:
    """The finding for a line naming ``name``, which has no entry in the
    global list, and whether the list still names it (a line sync must
    keep). ``what`` qualifies the name in C002's message."""
    global_list = central.global_list
    broken = global_list.unreadable_for(canonical_name(name))
    if not broken:
        return (
            Finding(
                "C002",
                "error",
                *where,
                f"{name}{what} is not in the global list",
                "propose adding it to global-requirements.txt (see accord review), "
                "or remove it",
            ),
            False,
        )
    places = ", ".join(f"{global_list.path}:{line.lineno}" for line in broken)
    return (
        Finding(
            "C022",
            "error",
            *where,
            f"{name}: the global list's line for it ({places}) cannot be read "
            f"({broken[0].error}), so this line cannot be checked against it",
            f"fix {places} in the requirements repo (accord validate reports it "
            "as G001); sync leaves this line as it is",
        ),
        True,
    )


def unreadable_pins(
    name: NormalizedName, where: tuple[str, int], central: CentralRepo
) -> Iterator[Finding]:
    """C022 for a line whose library's pin cannot be read (``requests===``):
    its minimum cannot be checked against the pin (C007), and saying nothing
    would pass it."""
    pins = central.constraints
    if pins is None:
        return
    broken = [line.lineno for line in pins.unreadable_for(name)]
    broken += [malformed.line.lineno for malformed in pins.malformed_for(name)]
    if not broken:
        return
    places = ", ".join(f"{pins.path}:{lineno}" for lineno in sorted(broken))
    yield Finding(
        "C022",
        "error",
        *where,
        f"{name}: the pins' line for it ({places}) cannot be read, so this "
        "line cannot be checked against the pin",
        f"fix {places} in the requirements repo (name===version; accord "
        "validate reports it as G001, or G011 if it is not an exact pin)",
    )
