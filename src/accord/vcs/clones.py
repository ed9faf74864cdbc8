"""Where a project's repository comes from, and where accord's clone of it
lives.

Every clone is one directory directly under the workdir, named by escaping
the whole projects.txt entry, so no two entries share a clone and no clone
lies inside another (where a symlink committed to one could redirect git
into a directory outside the workdir). Every path is resolved, symlinks
followed, and refused unless it stays inside the workdir.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from accord.errors import InputError
from accord.masking import strip_credentials
from accord.vcs import remote
from accord.vcs.hardening import ALLOWED_PROTOCOLS

# user@host:path, git's scp-like ssh syntax (the host has no "/" before ":").
_SCP = re.compile(r"^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:(?!:)")
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")
_ALLOWED_HINT = (
    f"use a {', '.join(ALLOWED_PROTOCOLS[:-1])} or {ALLOWED_PROTOCOLS[-1]} URL"
)
_NAME_LIMIT = 200  # bytes of a clone directory's name, hash included


def is_url(entry: str) -> bool:
    """Whether a projects.txt entry names its repository itself."""
    return "::" in entry or bool(
        _SCHEME.match(entry) or _SCP.match(entry) or entry.startswith("/")
    )


def check_url(url: str, what: str = "repository URL") -> str:
    """``url`` if git may fetch it: a transport git runs no command for."""
    shown = remote.redact(url)
    if url.startswith("-") or any(ord(c) < 32 or c == "\x7f" for c in url):
        raise InputError(f"{what} {shown!r} is not a URL git may use")
    if "::" in url.split("://", 1)[0]:
        raise InputError(
            f"{what} {shown!r} uses a remote helper (transport::address), "
            "which runs a command: refused",
            hint=_ALLOWED_HINT,
        )
    match = _SCHEME.match(url)
    if match is None:
        if _SCP.match(url) or url.startswith("/"):
            return url
        raise InputError(f"{what} {shown!r} is not a URL or an absolute path")
    if match.group("scheme").lower() not in ALLOWED_PROTOCOLS:
        raise InputError(
            f"{what} {shown!r}: the {match.group('scheme')} protocol is not allowed",
            hint=_ALLOWED_HINT,
        )
    return url


def relative_entry(entry: str) -> str:
    """An ``org/name`` entry, normalised; anything that could leave a
    directory (absolute, ``..``, a backslash, an option) is refused."""
    shown = remote.redact(entry)
    path = PurePosixPath(entry)
    parts = [part for part in path.parts if part != "."]
    if (
        path.is_absolute()
        or not parts
        or "\\" in entry
        or any(part == ".." or part.startswith("-") for part in parts)
        or any(ord(c) < 32 or c == "\x7f" for c in entry)
    ):
        raise InputError(
            f"projects.txt entry {shown!r} is not a safe repository name",
            hint="an entry is a URL or a relative org/name path without '..'",
        )
    return "/".join(parts)


def clone_name(entry: str) -> str:
    """The one directory name of ``entry``'s clone (credentials left out).

    Escaping is one-to-one (``%`` itself is escaped), so different entries
    get different names; a name too long for a file system ends in a hash.
    """
    text = strip_credentials(entry) if is_url(entry) else relative_entry(entry)
    name = "".join(_escape(c, first=i == 0) for i, c in enumerate(text))
    if len(name) > _NAME_LIMIT:
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        name = f"{name[: _NAME_LIMIT - 17]}-{digest}"
    return name


def _escape(char: str, first: bool) -> str:
    if (
        char.isascii()
        and (char.isalnum() or char in "_-.")
        and not (first and char in ".-")
    ):
        return char
    return "".join(f"%{byte:02X}" for byte in char.encode())


def contained(root: Path, path: Path, what: str = "the workdir") -> Path:
    """``path`` resolved (symlinks followed), if it stays inside ``root``."""
    top = root.resolve()
    resolved = path.resolve()
    if resolved != top and not resolved.is_relative_to(top):
        raise InputError(
            f"{path} leads outside {what} (to {resolved}): refused",
            hint="a symlink must point inside the repository",
        )
    return resolved


def check_symlinks(clone: Path) -> None:
    """Refuse a checkout with a tracked symlink that points out of ``clone``:
    sync would read, and could commit, a file that is not the project's."""
    listing = remote.git("ls-files", "-s", "-z", cwd=clone)
    for record in listing.split("\0"):
        mode, _, path = record.partition("\t")
        if mode.startswith("120000 "):
            contained(clone, clone / path, "the clone")


def clone_directory(workdir: Path, entry: str) -> Path:
    """The clone of ``entry``: a real directory right under ``workdir``,
    whose ``.git`` (if any) is a real directory too."""
    root = workdir.resolve()
    directory = root / clone_name(entry)
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise InputError(
            f"{directory} is not a directory of accord's (a symlink or a file): "
            "refused",
            hint="remove it, or choose another --workdir",
        )
    dot_git = directory / ".git"
    if dot_git.is_symlink() or (dot_git.exists() and not dot_git.is_dir()):
        # "gitdir: ..." or a link: git would fetch, commit and push there.
        raise remote.ForeignRepository(
            f"{dot_git} is a file or a symlink, not the clone's own git "
            "directory: git would work in the repository it leads to; refused",
            hint="remove the clone, accord clones it again",
        )
    contained(root, directory)
    return directory


def checkout_remote(checkout: Path) -> str | None:
    """The ``origin`` URL of a checkout (a local path made absolute), if any."""
    if not (checkout / ".git").exists():
        return None
    url = remote.git(
        "config", "--local", "--get", "remote.origin.url", cwd=checkout, check=False
    ).strip()
    if not url:
        return None
    if not is_url(url):
        url = str((checkout / url).resolve())
    return url


def source_url(entry: str, git_base: str | None, workspace: Path | None) -> str:
    """Where to clone ``entry`` from: the entry itself if it is a URL, else
    ``--git-base``/org/name, else the remote of the checkout that ``fleet``
    reads (``<workspace>/org/name``)."""
    if is_url(entry):
        return check_url(entry, "projects.txt entry")
    relative = relative_entry(entry)
    if git_base is not None:
        return check_url(f"{git_base.rstrip('/')}/{relative}")
    if workspace is not None:
        url = checkout_remote(workspace / relative)
        if url is not None:
            return check_url(url, f"the origin of {workspace / relative}")
    raise InputError(
        f"projects.txt entry {entry!r} is not a URL, and "
        + (
            f"{workspace / relative} is no checkout with an origin remote"
            if workspace is not None
            else "there is no workspace"
        ),
        hint="pass --git-base URL, or --workspace DIR holding the checkouts",
    )
