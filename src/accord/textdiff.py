"""A unified diff of one file's old and new text, as every command shows it."""

from __future__ import annotations

import difflib


def unified_diff(path: str, old_text: str, new_text: str) -> str:
    """``diff -u`` of ``path``; each line ends with a newline."""
    lines = list(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
