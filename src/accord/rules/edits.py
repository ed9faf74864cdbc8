"""The text sync writes for one requirement, decided where check decides.

``check`` and ``sync`` share these functions, so every edit sync makes comes
from the same judgement that gives check its finding at that line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from accord.model._lines import continued_until, join_continuations, split_comment
from accord.model.global_list import split_licence
from accord.model.sources import RequirementSource

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_SPEC_START = re.compile(r"[<>=!~;@(]")

LineKey = tuple[str, int]  # (path, 1-based line)


def render_requirement_text(
    original: str,
    specifiers: str,
    marker: str | None,
    keep_marker: bool,
) -> str:
    """``original`` with its specifiers (and perhaps marker) replaced.

    The name as spelled, its extras and spacing before the marker are kept.
    A direct reference (``name @ URL``) keeps its URL and takes no specifier.
    """
    head, tail = _split_marker(original)
    match = _SPEC_START.search(head)
    is_url = match is not None and match.group() == "@"
    name_part = head if match is None or is_url else head[: match.start()]
    name_part = name_part.rstrip()
    if is_url:
        specifiers = ""
    # After a URL a marker needs a space before its ";".
    new_marker = "" if marker is None else f"{' ' if is_url else ''};{marker}"
    marker_part = tail if keep_marker else new_marker
    return f"{name_part}{specifiers}{marker_part}"


def _split_marker(text: str) -> tuple[str, str]:
    # After a URL a marker needs " ;", since URLs may contain ";".
    is_url = "@" in text.split(";", 1)[0]
    index = text.find(" ;") if is_url else text.find(";")
    if index == -1:
        return text, ""
    head = text[:index]
    # Keep the spaces the user put before the ";".
    stripped = head.rstrip()
    return stripped, text[len(stripped) :]


def line_comments(
    sources: Iterable[RequirementSource], texts: dict[str, str]
) -> dict[LineKey, str]:
    """The trailing comment of each line that holds exactly one requirement.

    A comment after several requirements belongs to none of them.
    """
    # A file without a "#" has no comment to find (most files, and every
    # line of a file written 20,000 times over is then skipped at once).
    commented = {path for path, text in texts.items() if "#" in text}
    per_line = Counter(
        (item.path, item.line)
        for source in sources
        if source.path in commented
        for item in {(i.path, i.line, i.text): i for i in source.requirements}.values()
    )
    lines: dict[str, list[str]] = {}
    comments: dict[LineKey, str] = {}
    for (path, number), count in per_line.items():
        if count != 1 or path not in texts:
            continue
        if path not in lines:
            lines[path] = [
                m.group(0) for m in _LINE.finditer(texts[path]) if m.group(0)
            ]
        file_lines = lines[path]
        if number > len(file_lines):
            continue
        current = file_lines[number - 1].rstrip("\r\n")
        if current.endswith("\\") and not path.endswith((".toml", ".cfg")):
            # pip joins a continued line, then takes its comment
            last = continued_until(file_lines, number)
            current = join_continuations("".join(file_lines[number - 1 : last]))
        _, comment = split_comment(current.rstrip("\r\n"))
        if comment is not None:
            comments[(path, number)] = comment
    return comments


@lru_cache(maxsize=4096)  # a fleet repeats the same few comments thousands of times
def licence_edit(
    comment: str | None, wanted: str | None, aliases: tuple[tuple[str, str], ...]
) -> tuple[str, str] | None:
    """(old, new) licence text for a comment whose licence means another one.

    Only a comment that reads as a licence is touched, and only its licence
    part: "# MIT, for migrations" is the user's words and stays. Licences
    compare as SPDX expressions, so "BSD/Apache-2.0" is "Apache-2.0 OR
    BSD-3-Clause". The new text is the global list's own when accord reads
    the rewritten comment back as the same expression, else that expression
    in SPDX; if neither reads back, the comment is left alone.
    """
    if comment is None or wanted is None:
        return None
    written, _ = split_licence(comment)
    if written is None or written == wanted:  # the common case, decided at once
        return None
    # Imported here: the SPDX tables cost a check start-up several ms, and a
    # project without licence comments never needs them.
    from accord.licenses import normalize_license, same_license

    expression = normalize_license(written, aliases)
    target = normalize_license(wanted, aliases)
    if expression is None or target is None or same_license(expression, target):
        return None
    for new in (wanted, target):  # the list's words, else plain SPDX
        read_back, _ = split_licence(comment.replace(written, new, 1))
        meaning = None if read_back is None else normalize_license(read_back, aliases)
        if meaning is not None and same_license(meaning, target):
            return written, new
    return None
