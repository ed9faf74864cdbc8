"""Find the requirements repo a command works on.

:func:`requirements_repo` is the one call each command makes: it follows the
discovery order (:mod:`accord.locate.order`) and, for a git URL, fetches the
repo into accord's cache (:mod:`accord.locate.gitcache`), returning the
directory to read the central files from.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from accord.errors import InputError

TYPE_CHECKING = False  # typing's, without importing typing (~12 M instructions)
if TYPE_CHECKING:
    from accord.locate.order import Choice

__all__ = ["default_workspace", "requirements_repo"]

# What names a git remote rather than a directory: what parse_remote reads.
_REMOTE_PREFIXES = ("git+", "file:")


def requirements_repo(
    given: str | Path | None,
    project: Path | None = None,
    *,
    local_only: str | None = None,
) -> Path:
    """The directory holding the central files.

    ``given`` is ``--requirements`` (or ``validate``'s REPO); ``project`` is
    the command's PROJECT, if it has one. ``local_only`` says why the command
    needs a directory of the user's own (it writes there, say): a git URL is
    then refused, since its checkout is accord's cache.
    """
    if given and not str(given).startswith(_REMOTE_PREFIXES):
        # The common case, a directory given: every project's CI runs check,
        # so nothing more is imported for it.
        return Path(given)
    from accord.locate.order import choose

    choice = choose(None if given is None else str(given), project, os.environ)
    if choice.spec.startswith(_REMOTE_PREFIXES):
        from accord.locate.gitcache import checkout
        from accord.locate.remote import parse_remote

        remote = parse_remote(choice.spec)
        if local_only is not None:
            raise InputError(
                f"the requirements repo {remote} (from {choice.source}) is a git "
                f"URL, but {local_only}",
                hint="clone it and pass the clone's directory",
            )
        return checkout(remote, _warn)
    return _directory(choice)


def default_workspace(requirements: Path, workspace: Path | None) -> Path | None:
    """``--workspace``, else where ``projects.txt`` entries live by default:
    beside the requirements repo, or the current directory for a fetched one
    (its checkout sits in the cache, with no projects beside it)."""
    if workspace is not None:
        return workspace
    from accord.locate._cache import is_cached

    return Path() if is_cached(requirements) else None


def _directory(choice: Choice) -> Path:
    path = Path(choice.spec)
    if choice.base is not None and not path.is_absolute():
        path = choice.base / path
    if choice.source == "upward search":
        return path
    if not (path / "global-requirements.txt").is_file():
        raise InputError(
            f"no global-requirements.txt in {path}, so it is not a requirements "
            f"repo (it comes from {choice.source})"
        )
    return path


def _warn(message: str) -> None:
    with contextlib.suppress(OSError):
        print(f"accord: warning: {message}", file=sys.stderr)
