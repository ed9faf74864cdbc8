"""C019 for nox: a session that installs a requirements file without the pins.

``noxfile.py`` is Python, and accord never runs project code; so it is read
as a syntax tree only, and only what is certain is reported: a
``session.install(...)`` call whose arguments are all string literals, with
a ``-r`` and no ``-c``. A call with any computed argument (``*constraints``,
a variable) might be passing the pins, and is left alone; so is every call
in a noxfile that mentions ``PIP_CONSTRAINT`` or ``UV_CONSTRAINT`` at all.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from accord.findings import Finding

NOXFILE = "noxfile.py"
_REQUIREMENT = re.compile(r"^(?:-r|--requirement)(?:=|\s*)(?P<file>.*)$")
_CONSTRAINT = re.compile(r"^(?:-c|--constraint)")
_CONSTRAINT_ENV = ("PIP_CONSTRAINT", "UV_CONSTRAINT")


def check_noxfile(text: str) -> Iterator[Finding]:
    if any(name in text for name in _CONSTRAINT_ENV):
        return
    try:
        tree = ast.parse(text, NOXFILE)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # not Python this interpreter reads: nox will say so
    calls = _Calls()
    try:
        calls.visit(tree)
    except RecursionError:
        return
    for session, call in calls.found:
        found = _unpinned_install(call)
        if found is not None:
            yield Finding(
                "C019",
                "warning",
                NOXFILE,
                call.lineno,
                f"nox session {session} installs -r {found} without the pins: "
                "no -c in session.install, no PIP_CONSTRAINT",
                "install with the pins: pass -c <upper-constraints.txt or its "
                "URL> to session.install, with the -r",
            )


class _Calls(ast.NodeVisitor):
    """Every call inside a function, with the name of the outermost one (the
    session; a helper defined inside it is part of it)."""

    def __init__(self) -> None:
        self.function: str | None = None
        self.found: list[tuple[str, ast.Call]] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.function
        self.function = node.name if outer is None else outer
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        if self.function is not None:
            self.found.append((self.function, node))
        self.generic_visit(node)


def _unpinned_install(node: ast.Call) -> str | None:
    """The requirements file of an install call with no -c, else None."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "install"):
        return None
    words: list[str] = []
    for argument in node.args:
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            return None  # computed: it may well be the constraint
        words.append(argument.value.strip())
    if any(_CONSTRAINT.match(word) for word in words):
        return None
    for position, word in enumerate(words):
        match = _REQUIREMENT.match(word)
        if match is None:
            continue
        if match["file"]:
            return match["file"].strip()
        if position + 1 < len(words):
            return words[position + 1]
    return None
