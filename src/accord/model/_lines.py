"""Split requirements-file text into logical lines without losing a byte.

pip's rules: a physical line ending in a backslash continues on the next one;
a ``#`` at the start of a line or after whitespace starts a comment.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import re
from collections.abc import Sequence
from typing import NamedTuple

# A UTF-8 byte-order mark, decoded: pip reads a requirements file past one.
BOM = "\ufeff"
# Compiled by re when first used: only a file with a "\r" needs it.
_PHYSICAL_LINE = r"([^\r\n]*)(\r\n|\n|\r|$)"
_COMMENT = re.compile(r"(^|\s)#")
# pip's join_lines: a physical line that starts with a comment never
# continues; any other one ending in a backslash does, even when that
# backslash ends a comment (pip strips comments after joining, so
# ``six  # note \`` swallows the next line into its comment).
_COMMENT_LINE = re.compile(r"\s*#")


class RawLine(NamedTuple):
    """One logical line: its first physical line number, text and ending."""

    lineno: int
    text: str  # every physical line of it, inner endings included
    ending: str  # "\n", "\r\n", "\r", or "" at the end of the file


def split_logical_lines(text: str) -> list[RawLine]:
    """Split ``text`` so that ``"".join(l.text + l.ending)`` gives it back."""
    if "\\" not in text:
        # No continuations (most files): one logical line per physical one.
        # The central files are split on every run, so this path counts.
        return [RawLine(*line) for line in logical_lines(text)]
    physical = _physical_lines(text)

    lines: list[RawLine] = []
    index = 0
    while index < len(physical):
        start = index
        parts = [physical[index][0]]
        # A continuation joins the next physical line, unless the line
        # starts with a comment (pip's join_lines).
        while (
            _continues(physical[index][0])
            and physical[index][1]
            and index + 1 < len(physical)
        ):
            parts.append(physical[index][1])
            index += 1
            parts.append(physical[index][0])
        lines.append(RawLine(start + 1, "".join(parts), physical[index][1]))
        index += 1
    return lines


def logical_lines(text: str) -> Sequence[tuple[int, str, str]]:
    """:func:`split_logical_lines` as plain (lineno, text, ending) tuples,
    cheaper to make for a file of many thousand lines."""
    if "\\" in text:
        return split_logical_lines(text)
    return [
        (number, body, ending)
        for number, (body, ending) in enumerate(_physical_lines(text), 1)
    ]


def _physical_lines(text: str) -> list[tuple[str, str]]:
    """Each physical line of ``text`` and its ending ("" for an unended last)."""
    if "\r" in text:
        physical: list[tuple[str, str]] = re.findall(_PHYSICAL_LINE, text)
        physical.pop()  # the empty match at the very end
        return physical
    # Only "\n" ends lines (most files): str.split, ten times faster.
    bodies = text.split("\n")
    last = bodies.pop()
    physical = [(body, "\n") for body in bodies]
    if last:
        physical.append((last, ""))
    return physical


def _continues(body: str) -> bool:
    return body.endswith("\\") and _COMMENT_LINE.match(body) is None


def swallowed_lines(text: str) -> list[tuple[int, int, str]]:
    """Each physical line pip reads as part of a comment: after a line with
    a comment that ends in a backslash (``six  # note \\``), pip joins the
    next line on and then strips the comment, so a requirement written there
    is never installed. As (that line's number, the commented line's
    number, its text)."""
    if "\\" not in text:
        return []
    found: list[tuple[int, int, str]] = []
    commented = 0  # the line whose comment swallows the ones after it
    for number, (body, ending) in enumerate(_physical_lines(text), 1):
        if commented and body.strip() and _COMMENT_LINE.match(body) is None:
            found.append((number, commented, body.strip()))
        if _continues(body) and ending:
            if not commented and _COMMENT.search(body) is not None:
                commented = number
        else:
            commented = 0
    return found


def continued_until(lines: Sequence[str], line: int) -> int:
    """The last physical line (1-based) of the logical line that starts at
    ``line`` of ``lines`` (physical lines, each with its ending; an empty
    one, which sync leaves where it joined a line, is passed over)."""
    last = line
    while last < len(lines) and (
        not lines[last - 1] or _continues(lines[last - 1].rstrip("\r\n"))
    ):
        last += 1
    return last


def join_continuations(text: str) -> str:
    """The logical content of a (possibly continued) line, as pip reads it."""
    if "\\" not in text:
        return text
    physical = re.split(r"\r\n|\n|\r", text)
    return "".join(p[:-1] if p.endswith("\\") else p for p in physical)


def split_comment(content: str) -> tuple[str, str | None]:
    """Split ``content`` into what precedes a comment and the comment text.

    The comment text is everything after the ``#``, untouched.
    """
    if "#" not in content:
        return content, None
    match = _COMMENT.search(content)
    if match is None:
        return content, None
    return content[: match.start()], content[match.end() :]
