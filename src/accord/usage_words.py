"""The words a text spells: what who-uses's cache keeps of a file it did
not parse, so that a later run for another name knows whether that file may
name it without reading it again (:mod:`accord.usage_cache`).

Light to import on purpose, as the cache is: no packaging, no typing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATORS = re.compile(r"--+")
# Bytes as words() reads them: letters and digits kept, a separator "-",
# anything else a space (the text is lowercased before).
_NAME_BYTES = bytes(
    c if chr(c).isascii() and chr(c).isalnum() else 45 if chr(c) in "-_." else 32
    for c in range(256)
)
_PLAIN_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ANY_NAME = "*"  # the words of a text that may hide a spelling (a backslash)


def canonical(name: str) -> str:
    """``packaging.utils.canonicalize_name`` (the same steps; a test compares
    them), without importing packaging.utils, which loads packaging.tags,
    platform, logging and subprocess: more than a cached run costs."""
    value = name.lower().replace("_", "-").replace(".", "-")
    while "--" in value:
        value = value.replace("--", "-")
    return value


def is_plain(name: str) -> bool:
    """Whether a canonical name can be answered from words (every real
    distribution name can; anything else goes through the full load)."""
    return _PLAIN_NAME.fullmatch(name) is not None


def words(texts: Iterable[str]) -> str:
    """The whole names ``texts`` spell, canonical, each with a space or more
    either side (`` a  b c ``), or :data:`ANY_NAME` when a backslash could
    hide one. For ASCII text a name is among them exactly when the prefilter
    (accord.project) would parse the text for it; a name with other
    characters is found when lowercasing makes it ASCII (the Kelvin sign,
    which packaging reads as a K) and can never be a plain one otherwise.

    All in C over the whole text (this runs on every file a first run does
    not parse): each character that cannot be in a name becomes a space,
    each separator a ``-``; runs of separators become one and a trailing one
    goes. Words that start with a separator are kept: no canonical name
    starts with one, so they never match. Repeated words and runs of spaces
    are kept too: dropping them (split, set, join) cost a first run more
    than the longer text costs the cache (who-uses requests over the
    1,000-project fleet: 58 M instructions of 1,690 M)."""
    text = "\n".join(texts)
    if "\\" in text:
        return ANY_NAME
    spaced = text.lower().encode("ascii", "replace").translate(_NAME_BYTES)
    found = spaced.decode("ascii")
    if "--" in found:
        found = _SEPARATORS.sub("-", found)
    return f" {found} ".replace("- ", " ")
