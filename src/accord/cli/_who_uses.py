"""``accord who-uses``: every project, file and line that names a library.

A run the cache can answer whole (:mod:`accord.usage_cache`: the central
files and every project as they were) imports neither packaging nor the
project loader; any other run loads what changed (:mod:`accord.usage`).
"""

from __future__ import annotations

import re
from pathlib import Path

from accord.cli._app import EXIT_OK, UsageError

# A distribution name (PEP 508): what who-uses can be asked about.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_AFTER_NAME = frozenset("[<>=!~;@(")  # what follows the name in a requirement


def who_uses(
    name: str,
    requirements: str | None,
    output_format: str,
    workspace: Path | None,
    no_cache: bool = False,
) -> int:
    from accord.locate import default_workspace, requirements_repo
    from accord.report.users import render_users
    from accord.usage_cache import FleetCache

    if _NAME.fullmatch(name) is None:  # "used 0 time(s)" would mislead
        raise UsageError(f"{name!r} is not a library name{_hint(name)}", "NAME")
    root = requirements_repo(requirements)
    space = default_workspace(root, workspace)
    cache = None if no_cache else FleetCache.open(root, space)
    answer = None if cache is None else cache.answer(root, space, name)
    if answer is None:
        from accord.usage import fleet_users

        answer = fleet_users(root, space, name, cache)
        if cache is not None:
            cache.save()
    uses, problems, members = answer
    print(render_users(name, uses, problems, output_format, dict(members)))
    return EXIT_OK


def _hint(text: str) -> str:
    """`` (ask for NAME)`` when ``text`` is a requirement (``a>=1``, ``a[x]``)."""
    leading = _NAME.match(text)
    if leading is None:
        return ""
    after = text[leading.end() :].lstrip()[:1]
    return f" (ask for {leading.group()})" if after in _AFTER_NAME else ""
