"""The exceptions accord raises; each carries the file and line it is about."""

from __future__ import annotations


class AccordError(Exception):
    """Root of every error accord raises on purpose."""


class InputError(AccordError, ValueError):
    """Input that accord cannot read: a missing, unreadable or malformed file.

    The CLI turns it into a one-line message and exit status 2.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class ConfigError(InputError):
    """accord.toml is present but not valid."""
