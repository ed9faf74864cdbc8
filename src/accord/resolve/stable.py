"""The stable-branch policy: only the organisation's own libraries move."""

from __future__ import annotations

from collections.abc import Sequence

from packaging.utils import NormalizedName, canonicalize_name

from accord.central import CentralRepo


def own_libraries(central: CentralRepo) -> frozenset[NormalizedName]:
    """Libraries the organisation builds: accord.toml's list, else the last
    path part of each projects.txt entry (``openstack/oslo.config``)."""
    configured = central.config.own_libraries
    if configured:
        return configured
    if central.projects is None:
        return frozenset()
    return frozenset(
        canonicalize_name(project.name.rstrip("/").rsplit("/", 1)[-1])
        for project in central.projects.projects
    )


def refuse_on_stable(
    central: CentralRepo, names: Sequence[str], bump_all: bool
) -> str | None:
    """Why this bump is refused on a stable branch, or None if it may go."""
    if bump_all:
        return (
            "--all on a stable branch would move third-party libraries; name the "
            "organisation's libraries to bump, or pass --force"
        )
    own = own_libraries(central)
    foreign = [name for name in names if canonicalize_name(name) not in own]
    if foreign:
        return (
            f"on a stable branch only the organisation's own libraries move; "
            f"{', '.join(foreign)} {'is' if len(foreign) == 1 else 'are'} not one "
            "(own-libraries in accord.toml, or projects.txt); pass --force to "
            "bump anyway"
        )
    return None
