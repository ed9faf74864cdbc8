"""The settings of a project's tox environments, each with its line.

Read statically from ``tox.ini``, from ``[tool.tox]`` in ``pyproject.toml``
(its ``legacy_tox_ini`` string, or the native ``env_run_base`` and
``env.NAME`` tables) and from ``tox.toml``; tox is never run. Only what
says how an environment installs packages is kept: ``deps``,
``constraints``, ``install_command`` and ``set_env``/``setenv``.

The INI scanner follows configparser as tox uses it: ``[section]`` headers,
``key = value`` (or ``key: value``), lines indented deeper than the key
continue its value, whole-line ``#``/``;`` comments are skipped, and tox
drops `` #`` inline comments.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the TOML modules load only for a TOML tox configuration
    from accord.model._toml_lines import KeyPath, Locator

KEYS = frozenset({"deps", "constraints", "install_command", "set_env"})
_ALIASES = {"setenv": "set_env"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SECTION = re.compile(r"\[(?P<header>.+)\]")
_OPTION = re.compile(r"(?P<key>.*?)\s*[=:]\s*(?P<value>.*)$")
_INLINE_COMMENT = re.compile(r"\s#.*$")


@dataclass(frozen=True, slots=True)
class Value:
    """A setting's value as lines, each with its line in the file.

    A reference to another section's setting (``{[testenv]deps}`` in INI,
    ``{replace = "ref", of = [...]}`` in TOML) is kept as a line whose
    ``ref`` names the section and key; the rule expands it.
    """

    line: int  # the key's line
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class Part:
    line: int
    text: str
    ref: tuple[str, str] | None = None  # (section, key)


@dataclass(frozen=True, slots=True)
class Section:
    """One section (an environment, or its base) and the settings it sets."""

    name: str  # as the file names it: "testenv:docs", "env.docs"
    line: int
    parent: str | None  # the section an environment inherits from
    is_env: bool
    settings: tuple[tuple[str, Value], ...]

    def get(self, key: str) -> Value | None:
        return dict(self.settings).get(key)


@dataclass(frozen=True, slots=True)
class ToxConfig:
    path: str
    sections: tuple[Section, ...]

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


def parse_tox_ini(text: str, path: str, first_line: int = 1) -> ToxConfig:
    """tox.ini (or a ``legacy_tox_ini`` string starting at ``first_line``)."""
    raw: list[tuple[str, int, dict[str, Value]]] = []
    settings: dict[str, Value] | None = None
    key: str | None = None
    key_indent = 0
    for number, line in enumerate(_LINE_BREAK.split(text), start=first_line):
        stripped = _INLINE_COMMENT.sub("", line).strip()
        if not stripped or line.lstrip().startswith(("#", ";")):
            continue
        indent = len(line) - len(line.lstrip())
        if key is not None and indent > key_indent and settings is not None:
            old = settings[key]
            settings[key] = Value(old.line, (*old.parts, *_ini_parts(number, stripped)))
            continue
        key_indent = indent
        header = _SECTION.match(stripped)
        if header is not None:
            settings, key = {}, None
            raw.append((header.group("header").strip(), number, settings))
            continue
        option = _OPTION.match(stripped)
        if option is None or settings is None:
            key = None
            continue
        name = option.group("key").strip().lower()
        name = _ALIASES.get(name, name)
        if name not in KEYS:
            key = None
            continue
        key = name
        settings[key] = Value(number, tuple(_ini_parts(number, option.group("value"))))
    sections = []
    for name, line, values in raw:
        is_env = name == "testenv" or name.startswith("testenv:")
        parent = "testenv" if name.startswith("testenv:") else None
        sections.append(
            Section(name, line, parent, is_env, tuple(sorted(values.items())))
        )
    return ToxConfig(path, tuple(sections))


_INI_REF = re.compile(r"\{\[(?P<section>[^\]]+)\](?P<key>[^}]+)\}")


def _ini_parts(number: int, text: str) -> list[Part]:
    text = text.strip()
    if not text:
        return []
    parts = [
        Part(number, "", (match["section"].strip(), _normal_key(match["key"])))
        for match in _INI_REF.finditer(text)
    ]
    return [Part(number, _INI_REF.sub(" ", text)), *parts]


def _normal_key(key: str) -> str:
    key = key.strip().lower()
    return _ALIASES.get(key, key)


def parse_tox_toml(text: str, path: str, prefix: KeyPath = ()) -> ToxConfig | None:
    """``[tool.tox]`` of pyproject.toml (``prefix`` ``("tool", "tox")``) or
    tox.toml; None when there is no tox configuration (or no valid TOML)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    from accord.model._toml_lines import Locator

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # a broken pyproject.toml is reported where it is read
    table: object = data
    for key in prefix:
        table = table.get(key) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        return None
    where = Locator(text)
    where.run()
    legacy = table.get("legacy_tox_ini")
    if isinstance(legacy, str):
        line = where.keys.get((*prefix, "legacy_tox_ini"), 1)
        return parse_tox_ini(legacy, path, line + _starts_below(text, where, line))
    sections = []
    base = table.get("env_run_base")
    if isinstance(base, dict):
        sections.append(
            _toml_section("env_run_base", base, (*prefix, "env_run_base"), None, where)
        )
    envs = table.get("env")
    if isinstance(envs, dict):
        for name, env in envs.items():
            if isinstance(env, dict):
                sections.append(
                    _toml_section(
                        f"env.{name}",
                        env,
                        (*prefix, "env", name),
                        "env_run_base",
                        where,
                    )
                )
    return ToxConfig(path, tuple(sections))


def _starts_below(text: str, where: Locator, line: int) -> int:
    """1 if the multi-line string's text starts on the line after its key
    (TOML drops a newline right after the opening quotes), else 0."""
    lines = _LINE_BREAK.split(text)
    if not 0 < line <= len(lines):
        return 0
    after = lines[line - 1].split("=", 1)[-1].strip()
    return 1 if after in ('"""', "'''") else 0


def _toml_section(
    name: str,
    table: dict[str, object],
    path: KeyPath,
    parent: str | None,
    where: Locator,
) -> Section:
    line = where.keys.get(path, 0)
    values: dict[str, Value] = {}
    for raw_key, value in table.items():
        key = _ALIASES.get(raw_key, raw_key)
        if key not in KEYS:
            continue
        key_line = where.keys.get((*path, raw_key), line)
        items = value if isinstance(value, list) else [value]
        lines = where.item_lines((*path, raw_key), len(items))
        parts = []
        for item, item_line in zip(items, lines, strict=True):
            at = key_line if item_line is None else item_line
            parts.extend(_toml_parts(at, item, key))
        values[key] = Value(key_line, tuple(parts))
    return Section(name, line, parent, True, tuple(sorted(values.items())))


def _toml_parts(line: int, item: object, key: str) -> list[Part]:
    if isinstance(item, str):
        return [Part(line, item)]
    if isinstance(item, dict):
        of = item.get("of")
        if item.get("replace") == "ref" and isinstance(of, list) and len(of) >= 2:
            names = [str(x) for x in of]
            return [Part(line, "", (".".join(names[:-1]), _normal_key(names[-1])))]
        if key == "set_env":
            return [Part(line, f"{k}={v}") for k, v in item.items()]
        return []
    if isinstance(item, list):  # install_command is one command: a list of words
        return [Part(line, " ".join(str(word) for word in item))]
    return []
