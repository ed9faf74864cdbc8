"""Edit one requirement in a file's text, leaving every other byte alone.

A requirement is found on its known line by its exact literal (quoted for
TOML) and replaced there; the rest of the file is untouched, so comments,
layout and line endings survive. tomlkit renders new TOML string literals so
quoting and escaping are right.
"""

from __future__ import annotations

import re

import tomlkit
from packaging.requirements import InvalidRequirement
from packaging.specifiers import InvalidSpecifier
from tomlkit.exceptions import TOMLKitError

from accord.model._lines import continued_until
from accord.model.requirements_file import parse_requirement

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_COMMENT = re.compile(r"(^|\s)#")
# A setup.cfg line's key, up to the value (as configparser splits it).
_CFG_KEY = re.compile(r"\s*[^\s=:][^=:]*?\s*[=:]\s*")
# A TOML string on one line: basic (with escapes) or literal, single or triple.
_TOML_STRING = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\''
)


class SpliceError(ValueError):
    """The requirement is not where the model says it is (or is ambiguous)."""


def split_lines(text: str) -> list[str]:
    return [m.group(0) for m in _LINE.finditer(text) if m.group(0)]


def replace_on_line(
    text: str, line: int, old: str, new: str, toml: bool = False
) -> str:
    """``text`` with literal ``old`` on 1-based ``line`` replaced by ``new``."""
    lines = split_lines(text)
    edit_line(lines, line, old, new, toml)
    return "".join(lines)


def edit_line(
    lines: list[str], line: int, old: str, new: str, toml: bool, cfg: bool = False
) -> None:
    """:func:`replace_on_line` on a file already split by :func:`split_lines`.

    A sync edits many lines of one file: splitting it once, not once per
    edit, keeps a file of 20,000 edited lines linear.
    """
    current = _line(lines, line)
    if toml:
        candidates = [
            (f'"{old}"', _toml_literal(new, '"')),
            (f"'{old}'", _toml_literal(new, "'")),
        ]
    else:
        candidates = [(old, new)]
    for needle, replacement in candidates:
        edited = _replace_once(current, needle, replacement, toml)
        if edited is not None:
            if cfg and ";" in new and _below_key(lines, line, old, new):
                return
            lines[line - 1] = edited
            return
    if toml and _edit_decoded(lines, line, old, new):
        return
    if not toml and _edit_continued(lines, line, old, new):
        return
    raise SpliceError(f"could not find {old!r} exactly once on line {line}")


def _replace_once(
    current: str, needle: str, replacement: str, toml: bool
) -> str | None:
    """``current`` with its one ``needle`` replaced, or None if it has not
    exactly one outside its comment (which may quote the requirement)."""
    if current.count(needle) == 1:
        return current.replace(needle, replacement)
    code = before_comment(current, toml)
    if code.count(needle) != 1:
        return None
    return code.replace(needle, replacement) + current[len(code) :]


def before_comment(current: str, toml: bool) -> str:
    """``current`` up to its comment: for TOML, the first ``#`` outside a
    string; else a ``#`` at the start or after whitespace."""
    if not toml:
        match = _COMMENT.search(current)
        return current if match is None else current[: match.start()]
    start = 0
    for string in _TOML_STRING.finditer(current):
        if "#" in current[start : string.start()]:
            break
        start = string.end()
    hash_at = current.find("#", start)
    return current if hash_at == -1 else current[:hash_at]


def _below_key(lines: list[str], line: int, old: str, new: str) -> bool:
    """Write ``new`` (with a marker) on its own line below its setup.cfg key,
    if ``old`` is in the value on the key's line: setuptools splits a value
    written only there at ";", which would cut the marker off. Each other
    requirement of that value goes on a line of its own too."""
    current = lines[line - 1]
    if "\n" in current.rstrip("\r\n"):  # moved below already
        return False
    read = _key_line(current)
    if read is None or old not in read[3]:
        return False
    key_end, value, code, parts = read
    if not all(map(_is_requirement, parts)):  # C001 already: setuptools fails
        raise SpliceError("setuptools cannot read this key's line")
    body = value.rstrip("\r\n")
    ending = value[len(body) :] or "\n"  # the file's last line has none
    indent = " " * (len(current) - len(current.lstrip()) + 4)
    rows = [f"{indent}{new if part == old else part}" for part in parts]
    comment = body[len(code.rstrip()) :]
    if len(rows) == 1:
        rows[-1] += comment  # its own comment, as it was spaced
    elif comment:  # a comment after several belongs to none: a line of its own
        rows.append(f"{indent}{comment.lstrip()}")
    lines[line - 1] = current[:key_end].rstrip() + ending
    lines[line - 1] += "".join(f"{row}{ending}" for row in rows)
    return True


def remove_from_key_line(lines: list[str], line: int, old: str) -> None:
    """Remove requirement ``old`` from the value on a setup.cfg key's line
    (``key = a; b``: setuptools splits it at ";"), keeping the key."""
    current = _line(lines, line)
    if "\n" in current.rstrip("\r\n"):  # its value was moved below the key
        rows = split_lines(current)
        found = [row for row in rows[1:] if row.strip() == old]
        if len(found) != 1:
            raise SpliceError("it does not stand alone on its line")
        rows.remove(found[0])
        lines[line - 1] = "".join(rows)
        return
    read = _key_line(current)
    if read is None or read[3].count(old) != 1:
        raise SpliceError("it does not stand alone on its line")
    key_end, value, code, parts = read
    body = value.rstrip("\r\n")
    parts.remove(old)
    kept = "; ".join(parts)
    comment = body[len(code.rstrip()) :]
    if not kept:  # "key =" and the comment, if any
        head = current[:key_end].rstrip()
        lines[line - 1] = f"{head}{comment}{value[len(body) :]}"
        return
    lines[line - 1] = f"{current[:key_end]}{kept}{comment}{value[len(body) :]}"


def _key_line(current: str) -> tuple[int, str, str, list[str]] | None:
    """A setup.cfg key's line read as setuptools reads its value: where the
    key ends, the value (with its line ending), the value before its comment
    and the requirements in it (split at ";"); None for no key."""
    key = _CFG_KEY.match(current)
    if key is None:
        return None
    value = current[key.end() :]
    code = before_comment(value.rstrip("\r\n"), toml=False)
    parts = [part.strip() for part in code.split(";") if part.strip()]
    return key.end(), value, code, parts


def _is_requirement(text: str) -> bool:
    try:
        parse_requirement(text)
    except (InvalidRequirement, InvalidSpecifier):
        return False
    return True


def remove_element(lines: list[str], line: int, old: str) -> None:
    """Remove the TOML array element whose value is ``old`` from ``line``,
    which holds others too (``["a", "b"]``), with the comma that separates
    it from them."""
    current = _line(lines, line)
    found = _strings_valued(current, old)
    if len(found) != 1:
        raise SpliceError("it does not stand alone on its line")
    start, end = found[0].span()
    after = re.match(r"\s*,", current[end:])
    before = re.search(r",\s*$", current[:start])
    if after is not None:
        end += after.end()
        if re.match(r"[ \t]*(?:#|\]|$|\r|\n)", current[end:]):  # the last here
            start = len(current[:start].rstrip(" \t"))
        else:  # the next element moves up to where this one stood
            end += len(current[end:]) - len(current[end:].lstrip(" \t"))
    elif before is not None:
        start = before.start()
    lines[line - 1] = current[:start] + current[end:]


def _edit_decoded(lines: list[str], line: int, old: str, new: str) -> bool:
    """Replace the one TOML string on ``line`` whose value is ``old`` though
    its text is not (it escapes a character: ``\\"``, ``\\u002c``)."""
    current = lines[line - 1]
    found = _strings_valued(current, old)
    if len(found) != 1:
        return False
    start, end = found[0].span()
    quote = "'" if found[0][0].startswith("'") else '"'
    lines[line - 1] = current[:start] + _toml_literal(new, quote) + current[end:]
    return True


def _strings_valued(current: str, value: str) -> list[re.Match[str]]:
    """The TOML strings on line ``current`` whose value is ``value``."""
    return [m for m in _TOML_STRING.finditer(current) if _toml_value(m[0]) == value]


def _toml_value(token: str) -> str | None:
    try:
        value = tomlkit.parse(f"v = {token}")["v"]
    except TOMLKitError:
        return None
    return str(value) if isinstance(value, str) else None


def _edit_continued(lines: list[str], line: int, old: str, new: str) -> bool:
    """Replace ``old`` where it runs over the backslash-continued physical
    lines of a requirements file's logical line (pip joins them, dropping
    each backslash). The new requirement is written on the line where the
    old one started; the physical lines it ran over are emptied, not
    removed, so the lines still to edit above keep their numbers."""
    last = continued_until(lines, line)
    if last == line:
        return False
    contents = [_body(lines[n - 1])[:-1] for n in range(line, last)]
    contents.append(_body(lines[last - 1]))
    joined = "".join(contents)
    if joined.count(old) != 1:
        return False
    start = joined.index(old)
    end = start + len(old)
    offset, first, head = 0, line, ""  # where ``old`` starts, and before it
    for number, content in enumerate(contents, line):
        if offset <= start < offset + len(content):
            first, head = number, lines[number - 1][: start - offset]
        if offset < end <= offset + len(content):
            tail = lines[number - 1][end - offset :]
            lines[first - 1] = head + new + tail
            for emptied in range(first + 1, number + 1):
                lines[emptied - 1] = ""
            return True
        offset += len(content)
    return False


def _body(physical: str) -> str:
    return physical.rstrip("\r\n")


def _line(lines: list[str], line: int) -> str:
    if not 1 <= line <= len(lines):
        raise SpliceError(f"line {line} is not in the file")
    return lines[line - 1]


def remove_line(text: str, line: int) -> str:
    lines = split_lines(text)
    _line(lines, line)
    del lines[line - 1]
    return "".join(lines)


def _toml_literal(value: str, quote: str) -> str:
    if quote == "'" and "'" not in value and "\n" not in value:
        return f"'{value}'"
    return tomlkit.string(value).as_string()


def replace_in_comment(text: str, line: int, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new`` in the comment on ``line``."""
    lines = split_lines(text)
    edit_comment(lines, line, old, new)
    return "".join(lines)


def edit_comment(
    lines: list[str], line: int, old: str, new: str, continued: bool = False
) -> None:
    """:func:`replace_in_comment` on a file already split into lines;
    ``continued``: a requirements file's line, whose comment may be on a
    physical line it continues onto."""
    _line(lines, line)
    last = continued_until(lines, line) if continued else line
    for number in range(line, last + 1):
        current = lines[number - 1]
        match = _COMMENT.search(current)
        if match is not None and old in current[match.end() :]:
            start = match.end()
            lines[number - 1] = current[:start] + current[start:].replace(old, new, 1)
            return
    raise SpliceError(f"no comment with {old!r} on line {line}")
