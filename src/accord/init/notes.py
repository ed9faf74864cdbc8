"""What init tells its user: the decisions it made and the points to review."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Note:
    """A decision init made, or a point a person must review."""

    kind: str  # e.g. "cap", "licence", "pythons"
    name: str | None  # the library (or project) it is about
    message: str
