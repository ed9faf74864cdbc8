"""The relay's own error."""

from __future__ import annotations

from accord.errors import AccordError


class RelayError(AccordError):
    """The index answered something the relay cannot pass on."""
