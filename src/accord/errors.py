"""The exceptions accord raises; each carries the file and line it is about."""

from __future__ import annotations

import re

# A word of a message (a run without whitespace: a name, a URL, a quoted
# line) longer than this is shown by its first KEPT characters and length.
LONGEST_WORD = 200
KEPT = 80


def shorten(message: str) -> str:
    """``message`` as a one-line message shows it: each word longer than
    200 characters cut to its first 80, an ellipsis and its length (the
    punctuation closing it kept).

    A name or URL read from a file may be megabytes long; echoed whole it
    would make a megabyte line. A message with no such word, as any about
    values of ordinary length, is returned as it is. Credentials are masked
    before a word is cut, so a cut never leaves part of one unmasked."""
    if len(message) <= LONGEST_WORD:
        return message
    return re.sub(rf"\S{{{LONGEST_WORD + 1},}}", _cut, message)


def _cut(match: re.Match[str]) -> str:
    from accord.masking import mask_credentials

    word = mask_credentials(match.group())
    if len(word) <= LONGEST_WORD:
        return word
    # Punctuation after the value stays: "cannot reach URL: reason".
    value = word.rstrip(_CLOSING)
    if len(word) - len(value) > 3:  # not punctuation: a value of such signs
        value = word
    return f"{value[:KEPT]}… ({len(value):,} characters){word[len(value) :]}"


_CLOSING = ":;,.)]'\""


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
        return shorten(f"{where}{self.message}{hint}")


class ConfigError(InputError):
    """accord.toml is present but not valid."""
