"""Reading accord.toml's values: type checks whose errors point at the
offending key's line, and where a key, a hold or an audit ignore is written."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar, cast

from packaging.version import InvalidVersion, Version

from accord.errors import ConfigError, InputError
from accord.license_policy import LicensePolicy

_C = TypeVar("_C", bound=str)
_LICENSE_KEYS = ("allowed", "forbidden", "aliases")


class Reader:
    """Type checks that point at the offending key's line."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path

    def fail(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(
            message, path=self.path, line=_key_line(self.text, key), hint=hint
        )

    def key_line(self, key: str) -> int | None:
        """The line of the top-level key ``key`` (also when its value, an
        array, goes on over several lines)."""
        return key_path_line(self.text, (key,)) or _key_line(self.text, key)

    def fail_at(
        self, key_path: tuple[str, ...], message: str, hint: str | None = None
    ) -> ConfigError:
        """An error at the line of the key ``key_path`` (table names, then key)."""
        return ConfigError(
            message, path=self.path, line=key_path_line(self.text, key_path), hint=hint
        )

    def item_fail(
        self, array: tuple[str, ...], index: int
    ) -> Callable[[str, str, str | None], ConfigError]:
        """Errors about the ``index``-th table of the array ``array``, at
        :meth:`item_line` (looked for only when there is an error)."""

        def fail(key: str, message: str, hint: str | None = None) -> ConfigError:
            line = self.item_line(array, index, key)
            return ConfigError(message, path=self.path, line=line, hint=hint)

        return fail

    def item_line(self, array: tuple[str, ...], index: int, key: str) -> int | None:
        """The line of ``key`` in the ``index``-th table of ``array`` (its
        header when the key is missing; the array's line when inline)."""
        span = _item_span(self.text, array, index)
        if span is None:
            return key_path_line(self.text, array) or _key_line(self.text, array[-1])
        start, body = span
        found = _key_line(body, key)
        return start if found is None else start + found - 1

    def reject_unknown(
        self, data: Mapping[str, Any], known: tuple[str, ...], prefix: str
    ) -> None:
        for key in data:
            if key not in known:
                import difflib

                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    f"did you mean '{prefix}{close[0]}'?"
                    if close
                    else ("known keys: " + ", ".join(prefix + k for k in known))
                )
                raise self.fail(key, f"unknown key '{prefix}{key}'", hint)

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"'{key}' must be a list of strings")
        return tuple(cast(list[str], value))

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"'{key}' must be a non-empty string")
        return value

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be true or false")
        return value

    def choice(self, value: object, key: str, choices: tuple[_C, ...]) -> _C:
        for choice in choices:
            if value == choice:
                return choice
        raise self.fail(
            key,
            f"'{key}' is {value!r}",
            "use one of: " + ", ".join(repr(c) for c in choices),
        )

    def python_versions(self, value: object) -> tuple[str, ...]:
        versions = self.strings(value, "python-versions")
        for version in versions:
            try:
                parsed = Version(version)
            except InvalidVersion:
                parsed = None
            if parsed is None or len(parsed.release) != 2 or str(parsed) != version:
                raise self.fail(
                    "python-versions",
                    f"'{version}' is not a Python version of the form X.Y",
                )
        if not versions:
            raise self.fail("python-versions", "'python-versions' is empty")
        return versions

    def licenses(self, value: object, default: LicensePolicy) -> LicensePolicy:
        if not isinstance(value, dict):
            raise self.fail("licenses", "'licenses' must be a table")
        self.reject_unknown(value, _LICENSE_KEYS, "licenses.")
        allowed = default.allowed
        forbidden = default.forbidden
        aliases = default.aliases
        if "allowed" in value:
            allowed = self.strings(value["allowed"], "allowed")
        if "forbidden" in value:
            forbidden = self.strings(value["forbidden"], "forbidden")
        if "aliases" in value:
            table = value["aliases"]
            if not isinstance(table, dict):
                raise self.fail(
                    "aliases", "'licenses.aliases' must map licence text to SPDX"
                )
            for text, expression in table.items():
                if not isinstance(expression, str):
                    raise self.fail_at(
                        ("licenses", "aliases", text),
                        f"licence alias {text!r} maps to {expression!r}, "
                        "not to a string",
                        'write an SPDX expression in quotes, e.g. "MIT"',
                    )
            from packaging.licenses import (
                InvalidLicenseExpression,
                canonicalize_license_expression,
            )

            for text, expression in cast(dict[str, str], table).items():
                try:
                    canonicalize_license_expression(expression)
                except (InvalidLicenseExpression, KeyError) as error:
                    raise self.fail_at(
                        ("licenses", "aliases", text),
                        f"licence alias {text!r} maps to {expression!r}, "
                        "which is not an SPDX expression",
                        "use SPDX ids such as 'MIT' or 'LicenseRef-Name'",
                    ) from error
            aliases = tuple(cast(dict[str, str], table).items()) + aliases
        return LicensePolicy(allowed, forbidden, aliases)


# The keys of ``[tool.accord]`` in a project's pyproject.toml.
TOOL_KEYS = ("requirements", "test-command")


def tool_accord(data: Mapping[str, Any], text: str, path: str) -> dict[str, Any]:
    """``[tool.accord]`` of a pyproject.toml (empty when absent). A key accord
    does not know is an error at its line, as in accord.toml: a misspelt
    ``requirements`` would otherwise be passed over without a word."""
    tool = data.get("tool")
    if not isinstance(tool, dict) or "accord" not in tool:
        return {}
    table = tool["accord"]
    if not isinstance(table, dict):
        line = key_path_line(text, ("tool", "accord"))
        raise InputError("[tool.accord] must be a table", path=path, line=line)
    for key in table:
        if key not in TOOL_KEYS:
            import difflib

            close = difflib.get_close_matches(key, TOOL_KEYS, n=1)
            raise InputError(
                f"unknown key '{key}' in [tool.accord]",
                path=path,
                line=key_path_line(text, ("tool", "accord", key)),
                hint=f"did you mean '{close[0]}'?"
                if close
                else "known keys: " + ", ".join(TOOL_KEYS),
            )
    return cast(dict[str, Any], table)


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(
        rf"^[ \t]*(\[+[ \t]*)?([\w.-]+\.)?[\"']?{re.escape(key)}[\"']?\s*(=|\])", re.M
    )
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def key_path_line(text: str, key_path: tuple[str, ...]) -> int | None:
    """The line defining the key ``key_path``, however it is quoted or nested.

    Each line is read as TOML on its own (a header, ``key = value``, a dotted
    key or an inline table), so quoting and escapes count as TOML reads them;
    lines that are not TOML alone (inside a multi-line array) are skipped.
    """
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        data = _alone(line)
        if data is None:
            continue
        if line.lstrip().startswith("["):
            table = _first_path(data)
            continue
        for path in _paths(data):
            if (*table, *path)[: len(key_path)] == key_path:
                return number
    return None


def _item_span(text: str, array: tuple[str, ...], index: int) -> tuple[int, str] | None:
    """The line of the ``index``-th ``[[array]]`` header and the text from it
    to the next header; None when the array is not written as headers."""
    lines = text.splitlines()
    seen = -1
    start = None
    for number, line in enumerate(lines, start=1):
        data = _alone(line) if line.lstrip().startswith("[") else None
        if data is None:
            continue
        if start is not None:
            return start, "\n".join(lines[start - 1 : number - 1])
        if line.lstrip().startswith("[[") and _first_path(data) == array:
            seen += 1
            if seen == index:
                start = number
    return None if start is None else (start, "\n".join(lines[start - 1 :]))


def _alone(line: str) -> dict[str, Any] | None:
    """``line`` read as TOML on its own; None when it is not TOML alone."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        return tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None


def _first_path(data: object) -> tuple[str, ...]:
    """The key path of a table header read alone (``[a.b]``, ``[[a]]``)."""
    path: list[str] = []
    while isinstance(data, (dict, list)) and data:
        if isinstance(data, list):
            data = data[-1]
            continue
        key = next(iter(data))
        path.append(key)
        data = data[key]
    return tuple(path)


def _paths(data: object, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every key path in ``data``, leaves and the tables above them."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))


def toml_error_line(error: Exception, text: str) -> int | None:
    """The 1-based line a TOML parse error is about."""
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"line (\d+)", str(error))
    if match:
        return int(match.group(1))
    if "end of document" in str(error):
        return max(1, len(text.rstrip().splitlines()))
    return None
