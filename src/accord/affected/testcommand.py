"""A project's test command, read from its files (never by running them).

The first of: ``[tool.accord] test-command`` in pyproject.toml (a string or
a list of words), the first command of tox.ini's ``[testenv:py3]``, else
``[testenv]`` (with ``{posargs}`` removed), ``stestr run`` where
``.stestr.conf`` exists, else ``python -m pytest``.
"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

from accord.errors import InputError
from accord.files import read_text

_POSARGS = re.compile(r"\{posargs(?::[^{}]*)?\}")
DEFAULT = ("python", "-m", "pytest")


def find_test_command(root: Path) -> tuple[str, ...]:
    return (
        _from_pyproject(root / "pyproject.toml")
        or _from_tox(root / "tox.ini")
        or (("stestr", "run") if (root / ".stestr.conf").is_file() else DEFAULT)
    )


def _from_pyproject(path: Path) -> tuple[str, ...] | None:
    if not path.is_file():
        return None
    from accord._config_reader import key_path_line, tool_accord
    from accord.model._pyproject import load_toml

    # As every file accord reads: bounded, decoded with a clear error, and
    # TOML nested too deep for the parser is bad input, not a crash.
    text = read_text(path)
    command = tool_accord(load_toml(text, str(path)), text, str(path)).get(
        "test-command"
    )
    if command is None:
        return None
    if isinstance(command, str):
        words = _split(command, path)
    elif isinstance(command, list) and all(isinstance(w, str) for w in command):
        words = tuple(command)
    else:
        words = ()
    if not words:
        raise InputError(
            "[tool.accord] test-command must be a command line or a list of words",
            path=str(path),
            line=key_path_line(text, ("tool", "accord", "test-command")),
        )
    return words


def _from_tox(path: Path) -> tuple[str, ...] | None:
    if not path.is_file():
        return None
    parser = configparser.RawConfigParser(strict=False, comment_prefixes=("#", ";"))
    try:
        parser.read_string(read_text(path), str(path))
    except configparser.Error as error:
        raise InputError(f"cannot read it: {error}", path=str(path)) from error
    section = next(
        (s for s in ("testenv:py3", "testenv") if parser.has_option(s, "commands")),
        None,
    )
    if section is None:
        return None
    for raw in parser.get(section, "commands").splitlines():
        line = _POSARGS.sub("", raw.split(" #", 1)[0]).strip().lstrip("-").strip()
        if line and not line.startswith("{["):
            return _split(line, path) or None
    return None


def _split(line: str, path: Path) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(line))
    except ValueError as error:
        raise InputError(f"test command {line!r}: {error}", path=str(path)) from error
