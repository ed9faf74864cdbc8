"""What init tells its user: the decisions it made and the points to review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from accord.index.sdist import SdistMetadata


@dataclass(frozen=True, slots=True)
class Note:
    """A decision init made, or a point a person must review."""

    kind: str  # e.g. "cap", "licence", "pythons"
    name: str | None  # the library (or project) it is about
    message: str


class Pins(NamedTuple):
    """What pinning gave: the pins (None if they failed), the points to
    review, and the ``[[static-metadata]]`` drafted from sdists."""

    text: str | None
    notes: tuple[Note, ...]
    drafted: tuple[SdistMetadata, ...] = ()
