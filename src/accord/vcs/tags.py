"""A library's release from its tag: name, version and series branch.

The name is read from the tree at the tag (``pyproject.toml`` ``[project]
name``, else ``setup.cfg`` ``[metadata] name``) with ``git show``: nothing
of the library runs. The version is the tag (PEP 440). The branch is the
series branch the tag's commit is on (a ``stable/*`` branch, local or
remote), else the default branch: as OpenStack's post-release job reads it.
"""

from __future__ import annotations

import configparser
import fnmatch
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.errors import InputError
from accord.vcs import remote as git


@dataclass(frozen=True, slots=True)
class TaggedRelease:
    name: str  # as the library spells it
    version: Version
    branch: str  # the requirements repo's branch it belongs on


def read_tag(
    repo: Path, tag: str, series: Sequence[str] = ("stable/*",)
) -> TaggedRelease:
    """The release ``tag`` of the library at ``repo`` (a local clone)."""
    if tag.startswith("-") or not tag.strip():
        raise InputError(f"{tag!r} is not a tag name")
    if not (repo / ".git").exists() and not (repo / "HEAD").exists():
        raise InputError(f"{repo} is not a git repository", hint="clone it first")
    commit = git.git(
        "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}",
        cwd=repo, check=False,
    ).strip()  # fmt: skip
    if not commit:
        raise InputError(f"{repo} has no tag {tag!r}")
    try:
        version = Version(tag)
    except InvalidVersion:
        raise InputError(
            f"tag {tag!r} of {repo} is not a PEP 440 version",
            hint="release tags are versions, e.g. 2.1.0",
        ) from None
    name = _name_at(repo, commit)
    if name is None:
        raise InputError(
            f"no [project] name in pyproject.toml nor [metadata] name in "
            f"setup.cfg of {repo} at {tag}",
        )
    return TaggedRelease(name, version, _branch_of(repo, commit, series))


def _show(repo: Path, commit: str, path: str) -> str | None:
    text = git.git("show", f"{commit}:{path}", cwd=repo, check=False)
    return text or None


def _name_at(repo: Path, commit: str) -> str | None:
    pyproject = _show(repo, commit, "pyproject.toml")
    if pyproject is not None:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - exercised on 3.10 only
            import tomli as tomllib
        try:
            project = tomllib.loads(pyproject).get("project", {})
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"pyproject.toml at the tag: {error}") from error
        name = project.get("name") if isinstance(project, dict) else None
        if isinstance(name, str) and name.strip():
            return _checked(name.strip())
    setup_cfg = _show(repo, commit, "setup.cfg")
    if setup_cfg is not None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(setup_cfg)
        except configparser.Error as error:
            raise InputError(f"setup.cfg at the tag: {error}") from error
        name = parser.get("metadata", "name", fallback="").strip()
        if name:
            return _checked(name)
    return None


def _checked(name: str) -> str:
    if canonicalize_name(name, validate=True) is None:  # pragma: no cover
        raise InputError(f"{name!r} is not a project name")
    return name


def _branch_of(repo: Path, commit: str, series: Sequence[str]) -> str:
    """The branch a release belongs on: the default branch if it holds the
    commit (a series branch cut later holds it too), else the series branch
    that does (the newest name first), else the default branch."""
    output = git.git(
        "for-each-ref", "--format=%(refname)", f"--contains={commit}",
        "refs/heads", "refs/remotes", cwd=repo,
    )  # fmt: skip
    branches = set()
    for ref in output.split():
        if ref.startswith("refs/heads/"):
            branches.add(ref.removeprefix("refs/heads/"))
        elif ref.startswith("refs/remotes/") and not ref.endswith("/HEAD"):
            branches.add(ref.removeprefix("refs/remotes/").split("/", 1)[-1])
    default = _default_branch(repo)
    if default in branches:
        return default
    matching = sorted(
        (b for b in branches if any(fnmatch.fnmatchcase(b, g) for g in series)),
        reverse=True,
    )
    return matching[0] if matching else default


def _default_branch(repo: Path) -> str:
    """origin's HEAD in a clone; else main or master, whichever exists."""
    name = git.git(
        "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD",
        cwd=repo, check=False,
    ).strip()  # fmt: skip
    if name:
        return name.removeprefix("origin/")
    for candidate in ("main", "master"):
        if git.git(
            "rev-parse", "--verify", "--quiet", f"refs/heads/{candidate}",
            cwd=repo, check=False,
        ).strip():  # fmt: skip
            return candidate
    return "master"
