"""V006: a global-list entry that is a direct reference (``name @ URL``).

accord never resolves one (see :mod:`accord.resolve.direct`), so no pin can
be generated or verified for it: validate and constraints verify both report
it with this one finding, asking for the library by name.
"""

from __future__ import annotations

from collections.abc import Iterator

from accord.central import CentralRepo
from accord.findings import Finding
from accord.resolve.direct import direct_reference, refusal

DIRECT_FIX = (
    "list the library by name (with static metadata in accord.toml for an "
    "sdist-only package)"
)


def check_direct_references(repo: CentralRepo) -> Iterator[Finding]:
    """V006 at each global-list entry that names a URL or a path."""
    global_list = repo.global_list
    for entry in global_list.entries:
        if entry.requirement.url is None:
            continue  # most entries: no direct reference to classify
        kind = direct_reference(entry.requirement)
        if kind is not None:
            yield Finding(
                "V006",
                "error",
                global_list.path,
                entry.lineno,
                refusal(entry.line.content, kind),
                DIRECT_FIX,
            )
