"""Lines pip never reads, swallowed by a comment that ends in a backslash
(C024 in a project's requirements files, G028 in the central files).

pip joins a line ending in ``\\`` to the next one before it strips
comments, unless the line starts with a comment; so after
``eventlet>=0.30  # MIT \\`` the line ``futurist>=1.0`` is part of the
comment, and pip installs no futurist. accord reads the files as pip does
(the requirement is not there), and says so at the swallowed line, where
its author will look.
"""

from __future__ import annotations

from collections.abc import Iterator

from accord.findings import Finding
from accord.model._lines import swallowed_lines

TYPE_CHECKING = False  # typing's, without importing typing
if TYPE_CHECKING:
    from accord.central import CentralRepo
    from accord.project import Project

_FIX = "remove the backslash at the end of line {commented}'s comment"


def check_swallowed_project(project: Project) -> Iterator[Finding]:
    """C024 at each swallowed line of the project's requirements files."""
    texts = dict(project.texts)
    for source in project.sources:
        if source.kind == "requirements":
            text = texts.get(source.path, "")
            yield from _findings("C024", source.path, text)


def check_swallowed_central(repo: CentralRepo) -> Iterator[Finding]:
    """G028 at each swallowed line of the central requirement files."""
    documents = (repo.global_list, repo.constraints, repo.denylist, repo.backports)
    for document in documents:
        if document is not None:
            yield from _findings("G028", document.path, document.text)


def _findings(rule: str, path: str, text: str) -> Iterator[Finding]:
    for number, commented, written in swallowed_lines(text):
        yield Finding(
            rule,
            "warning",
            path,
            number,
            f"{written!r} is part of line {commented}'s comment to pip, whose "
            "backslash at its end joins this line on: pip never reads it",
            _FIX.format(commented=commented),
        )
