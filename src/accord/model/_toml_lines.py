"""Where keys, table headers and array items sit in TOML text.

tomllib gives values but no line numbers, and a finding must name its line;
so this scanner walks the raw text once and records the line of every key
path and array element. It never decides validity: tomllib has already
accepted the text.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from contextlib import suppress

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

KeyPath = tuple[str | int, ...]  # table and key names; array indexes as ints

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\r\n#]+")  # numbers, booleans, dates


class _ScanError(Exception):
    """The text is not laid out as the locator expects."""


class Locator:
    """Lines of keys, table headers and array elements in TOML text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.keys: dict[KeyPath, int] = {}  # first line defining each path
        self.items: dict[KeyPath, list[int]] = {}  # start line of each element
        self._newlines = [i for i, char in enumerate(text) if char == "\n"]

    def line_at(self, pos: int) -> int:
        return bisect_left(self._newlines, pos) + 1

    def item_lines(self, path: KeyPath, count: int) -> list[int | None]:
        """The line of each of ``count`` elements, ``None`` when unknown."""
        lines = self.items.get(path)
        if lines is None or len(lines) != count:
            return [None] * count
        return list(lines)

    def run(self) -> None:
        # On a surprise keep what was found; callers fall back to the key's line.
        with suppress(_ScanError, IndexError):
            self._document()

    def _document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip_blank()
            if self.pos >= len(self.text):
                return
            if self.text[self.pos] != "[":
                self._key_value(table)
                continue
            # [table] or [[array.of.tables]]; elements of the latter share a
            # path, which does not matter for the keys accord reads.
            line = self.line_at(self.pos)
            double = self.text.startswith("[[", self.pos)
            self.pos += 2 if double else 1
            table = self._key()
            self._expect("]]" if double else "]")
            self.keys.setdefault(table, line)

    def _key_value(self, table: KeyPath) -> None:
        line = self.line_at(self.pos)
        key = self._key()
        for end in range(1, len(key) + 1):  # a dotted key defines its tables
            self.keys.setdefault((*table, *key[:end]), line)
        self._expect("=")
        self._skip_spaces()
        self._value((*table, *key))

    def _key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip_spaces()
            if self.text[self.pos] in "\"'":
                start = self.pos
                self._string()
                literal = self.text[start : self.pos]
                parts.append(str(tomllib.loads(f"k = {literal}")["k"]))
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise _ScanError
                parts.append(match.group())
                self.pos = match.end()
            self._skip_spaces()
            if not self.text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    def _value(self, path: KeyPath) -> None:
        char = self.text[self.pos]
        if char in "\"'":
            self._string()
        elif char in "[{":
            self._container(path, "]" if char == "[" else "}")
        else:
            match = _SCALAR.match(self.text, self.pos)
            if match is None:
                raise _ScanError
            self.pos = match.end()

    def _container(self, path: KeyPath, close: str) -> None:
        """An array (``close`` is ``]``) or an inline table (``}``)."""
        self.pos += 1
        lines: list[int] = []
        if close == "]":
            self.items[path] = lines
        while True:
            self._skip_blank()
            if self.text[self.pos] == close:
                self.pos += 1
                return
            if close == "]":
                lines.append(self.line_at(self.pos))
                self._value((*path, len(lines) - 1))
            else:
                self._key_value(path)
            self._skip_blank()
            if self.text[self.pos] == ",":
                self.pos += 1
            elif self.text[self.pos] != close:
                raise _ScanError

    def _string(self) -> None:
        text, pos = self.text, self.pos
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            pos += 3
            while not text.startswith(quote * 3, pos):
                pos += 2 if quote == '"' and text[pos] == "\\" else 1
                if pos >= len(text):
                    raise _ScanError
            end = pos + 3  # up to two more quotes still belong to the string
            while end < len(text) and text[end] == quote and end - pos < 5:
                end += 1
            self.pos = end
            return
        pos += 1
        while text[pos] != quote:
            pos += 2 if quote == '"' and text[pos] == "\\" else 1
        self.pos = pos + 1

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t":
            self.pos += 1

    def _skip_blank(self) -> None:
        """Skip spaces, newlines and comments."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t\r\n":
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def _expect(self, token: str) -> None:
        self._skip_spaces()
        if not self.text.startswith(token, self.pos):
            raise _ScanError
        self.pos += len(token)
