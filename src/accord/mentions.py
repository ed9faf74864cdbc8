"""Whether a file's text may name a library: who-uses reads every file of
a fleet, and parses only those that may name the library asked for (the
others' words go to its cache, see :mod:`accord.usage_cache`)."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable

from packaging.utils import NormalizedName

_PLAIN_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # a normalised name
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "._-")
_RUNS_ON = r"[-_.]*[A-Za-z0-9]"  # what would make a longer name


@functools.lru_cache(maxsize=8)
def may_name_test(name: NormalizedName) -> Callable[[str], bool]:
    """Whether a file's text may name the library ``name``: any spelling of
    it (case, and ``-``/``_``/``.`` runs between its parts), or a backslash
    (a continuation line or an escape could hide a spelling)."""
    spelling = re.compile(
        "[-_.]+".join(re.escape(part) for part in name.split("-")), re.IGNORECASE
    )
    if not re.fullmatch(_PLAIN_NAME, name):
        return lambda text: "\\" in text or spelling.search(text) is not None
    runs_on = re.compile(_RUNS_ON)
    parts = name.split("-")

    def may_name(text: str) -> bool:
        # Whole names only: a requirement's name starts after a character
        # that cannot be in a name and does not run on into a longer one, so
        # "requests" is not found in "requests-mock" or "types-requests".
        # (Checked at each match: a lookbehind in the pattern would cost the
        # scan its speed.) Matches cannot overlap a whole name, so finditer's
        # non-overlapping ones are enough.
        if "\\" in text:
            return True
        # ASCII text that lowercased lacks a part cannot match (for ASCII,
        # re's IGNORECASE is lower()): a substring search in C spares most
        # files the case-blind scan (who-uses requests over 3,000 files:
        # 115 M instructions -> 42 M). Other text may spell a part with a
        # character re folds to ASCII (the long s, the Kelvin sign).
        if text.isascii():
            lowered = text.lower()
            if not all(part in lowered for part in parts):
                return False
        for match in spelling.finditer(text):
            start, end = match.span()
            if start and text[start - 1] in _NAME_CHARS:
                continue
            if runs_on.match(text, end) is None:
                return True
        return False

    return may_name
