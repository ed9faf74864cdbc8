"""Writes ``src/accord/_licence_names.py``: every key the licence table's
patterns (``accord.licenses._NAMES``) match, with its row's SPDX.

Each pattern is a finite language (alternatives, optional parts, single
characters), so it is expanded into the strings it matches; where two rows
match one key, the first row's SPDX is kept, as the rows were tried in order.
tests/test_licenses.py fails when the written module is stale; then run

    PYTHONPATH=src python -m tests.licence_names > src/accord/_licence_names.py
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

try:  # Python 3.11+
    from re import _constants as constants
    from re import _parser as parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as constants  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

from accord.licenses import _NAMES

MODULE = "src/accord/_licence_names.py"
MAX_REPEAT = 4  # a pattern repeating more than this is no list of names


def expand(pattern: str) -> set[str]:
    """Every string ``pattern`` matches in full."""
    return set(_sequence(parser.parse(pattern)))


def _sequence(items: Any) -> list[str]:
    texts = [""]
    for op, value in items:
        texts = [a + b for a, b in itertools.product(texts, _item(op, value))]
    return texts


def _item(op: Any, value: Any) -> list[str]:
    if op is constants.LITERAL:
        return [chr(value)]
    if op is constants.IN:
        return [chr(code) for kind, arg in value for code in _codes(kind, arg)]
    if op is constants.SUBPATTERN:
        return _sequence(value[-1])
    if op is constants.BRANCH:
        return [text for branch in value[1] for text in _sequence(branch)]
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
        low, high, item = value
        if high > MAX_REPEAT:
            raise ValueError("an unbounded repeat matches no finite list of names")
        once = _sequence(item)
        return [
            "".join(parts)
            for count in range(low, high + 1)
            for parts in itertools.product(once, repeat=count)
        ]
    raise ValueError(f"{op} has no place in a table of names")


def _codes(kind: Any, arg: Any) -> range:
    if kind is constants.LITERAL:
        return range(arg, arg + 1)
    if kind is constants.RANGE:
        return range(arg[0], arg[1] + 1)
    raise ValueError(f"{kind} has no place in a table of names")


def table() -> dict[str, str]:
    """Each key with the SPDX of the first row that matches it."""
    names: dict[str, str] = {}
    for spdx, pattern in _NAMES:
        for key in sorted(expand(pattern)):
            names.setdefault(key, spdx)
    return dict(sorted(names.items()))


def module() -> str:
    # Written as ruff formats it (the keys hold no quote or backslash).
    rows = "".join(f'    "{key}": "{spdx}",\n' for key, spdx in table().items())
    return (
        "# ruff: noqa: E501 - generated: one key a line, however long\n"
        '"""Every key the licence table in :mod:`accord.licenses` knows, with its\n'
        "SPDX (``{}``: ``or-later`` for a key ending in ``+``, else ``only``).\n"
        "\n"
        "Generated from the table's patterns by ``python -m tests.licence_names``\n"
        "(see there); do not edit. A dict is looked up where each pattern had\n"
        "to be compiled when first tried (~0.4 M instructions each).\n"
        '"""\n'
        "\n"
        f"NAMES: dict[str, str] = {{\n{rows}}}\n"
    )


if __name__ == "__main__":
    sys.stdout.write(module())
