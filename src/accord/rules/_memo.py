"""One judgement per distinct requirement line, shared by a whole process.

A fleet writes the same few hundred lines thousands of times; a line's
assessment depends only on its text, its trailing comment (the licence),
whether it is hash-pinned, and the central repo. So each process keeps one
table, keyed by those, and starts a new one when it is handed another
central repo (identity, not equality: a reloaded repo is a new object).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.rules.check import Assessment

MemoKey = tuple[str, str | None, bool]  # (text, comment, hashed)
# Far more distinct lines than a real fleet has; past it the table restarts.
MAX_ENTRIES = 65536

_shared: tuple[CentralRepo, dict[MemoKey, Assessment]] | None = None


def verdict_memo(central: CentralRepo) -> dict[MemoKey, Assessment]:
    """The process's table of assessments against ``central``."""
    global _shared  # noqa: PLW0603 - one table a process, by design
    if _shared is None or _shared[0] is not central or len(_shared[1]) > MAX_ENTRIES:
        _shared = (central, {})
    return _shared[1]
