"""The errors of the release steps; each says what to do next."""

from __future__ import annotations

from accord.errors import AccordError


class ReleaseError(AccordError):
    """A release step that cannot go on: nothing after it is done."""
