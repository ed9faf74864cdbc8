"""Shallow checkouts of remote requirements repos in accord's cache.

Each remote (URL and ref) has one directory,
``$XDG_CACHE_HOME/accord/requirements/<hash>`` (default ``~/.cache``),
holding a work tree at the ref's commit. A run asks the remote where the
ref points (``git ls-remote``, one round trip) and fetches again only when it
moved; a remote that cannot be reached leaves the cached copy in use, with a
warning. A fetch goes into a new directory that replaces the old one by
renames, so an interrupted fetch never leaves a half-filled checkout behind.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from accord.errors import InputError
from accord.locate._cache import cache_root as cache_root  # noqa: PLC0414
from accord.locate._cache import is_cached as is_cached  # noqa: PLC0414
from accord.locate._git import run_git
from accord.locate.remote import RemoteRepo
from accord.masking import mask_credentials as mask

_SHA = re.compile(r"[0-9a-fA-F]{7,40}")
_FULL_SHA = re.compile(r"[0-9a-f]{40}")

Warn = Callable[[str], None]


def checkout(remote: RemoteRepo, warn: Warn) -> Path:
    """The cached work tree of ``remote``, fetched or refreshed as needed."""
    root = cache_root()
    target = root / remote.key
    current = _head(target)
    if current is not None and remote.pinned:
        return target  # a commit's content never changes
    wanted, reason = _remote_sha(remote)
    if wanted is None and current is not None:
        warn(
            f"cannot reach {remote} ({reason}); using the cached copy at {current[:12]}"
        )
        return target
    if wanted is not None and wanted == current:
        return target
    if wanted is None and not remote.pinned:
        raise InputError(f"cannot fetch requirements repo {remote}: {reason}")
    _fetch_into(root, target, remote)
    return target


def fetch_reference(repo: Path, reference: str) -> None:
    """Bring the commit ``reference`` names (a sha or a Gerrit Change-Id)
    into a cached checkout, under a ref, so that Depends-On can find it.

    A full commit id is fetched alone (servers that refuse a want by id, as
    a plain ``file://`` remote does, get the next step); anything else, or a
    refused id, fetches the whole history of every branch and change.
    Does nothing for a directory the cache does not manage.
    """
    if not is_cached(repo):
        return
    if _FULL_SHA.fullmatch(reference):
        ref = f"{reference}:refs/accord/depends-on/{reference}"
        if run_git("fetch", "-q", "--depth", "1", "origin", ref, cwd=repo).ok:
            return
    elif not (_SHA.fullmatch(reference) or reference.startswith("I")):
        return
    deepen = ["--unshallow"] if (repo / ".git" / "shallow").exists() else []
    run_git(
        "fetch", "-q", *deepen, "origin",
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/changes/*:refs/remotes/origin/changes/*",
        cwd=repo,
    )  # fmt: skip


def _head(target: Path) -> str | None:
    if not (target / ".git").is_dir():
        return None
    result = run_git("rev-parse", "--verify", "-q", "HEAD^{commit}", cwd=target)
    sha = result.out.strip()
    return sha if result.ok and _FULL_SHA.fullmatch(sha) else None


def _remote_sha(remote: RemoteRepo) -> tuple[str | None, str]:
    """Where the ref points on the remote, or None and why not.

    The names are tried in the order ``git fetch`` tries them, an
    annotated tag by the commit it tags.
    """
    if remote.pinned:
        return None, "a commit id is fetched, not looked up"
    ref = remote.ref or "HEAD"
    result = run_git("ls-remote", "--", remote.url, ref)
    if not result.ok:
        return None, mask(result.err)
    found: dict[str, str] = {}
    for line in result.out.splitlines():
        sha, _, name = line.partition("\t")
        found[name] = sha
    for name in (ref, f"refs/{ref}", f"refs/tags/{ref}", f"refs/heads/{ref}"):
        peeled = found.get(f"{name}^{{}}") or found.get(name)
        if peeled:
            return peeled, ""
    hint = None
    if remote.ref is not None and _SHA.fullmatch(remote.ref):
        hint = "name a commit by its full 40-character id"
    raise InputError(
        f"requirements repo {remote}: the remote has no branch or tag {ref!r}",
        hint=hint,
    )


def _fetch_into(root: Path, target: Path, remote: RemoteRepo) -> None:
    """A fresh shallow checkout of ``remote`` put at ``target`` by renames."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        fresh = Path(tempfile.mkdtemp(prefix=f".{remote.key}.", dir=root))
    except OSError as error:
        raise InputError(
            f"cannot create the cache for {remote}: {error.strerror}",
            path=str(root),
        ) from error
    try:
        _fetch(fresh, remote)
        _replace(fresh, target)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def _fetch(fresh: Path, remote: RemoteRepo) -> None:
    # On a branch named as the ref, so that what reads the current branch
    # (propose: a stable/* requirements branch proposes to stable/*) sees it.
    ref = remote.ref or "HEAD"
    named = not (remote.pinned or ref == "HEAD" or ref.startswith("refs/"))
    branch = ["-B", ref] if named else ["--detach"]
    steps = (
        ("init", "-q"),
        ("remote", "add", "origin", remote.url),
        ("fetch", "-q", "--depth", "1", "--no-tags", "origin", ref),
        ("-c", "advice.detachedHead=false", "checkout", "-q", *branch, "FETCH_HEAD"),
    )
    for step in steps:
        result = run_git(*step, cwd=fresh)
        if not result.ok:
            raise InputError(
                f"cannot fetch requirements repo {remote}: {mask(result.err)}"
            )


def _replace(fresh: Path, target: Path) -> None:
    """Put ``fresh`` at ``target``; an old copy is moved aside, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        target.replace(old / "tree")
    try:
        fresh.rename(target)
    except OSError:
        # Another run put its copy there first: use that one.
        if not target.exists():
            raise
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
