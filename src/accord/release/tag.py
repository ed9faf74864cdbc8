"""``accord release tag``: an annotated tag for each new release, once.

An existing tag at the requested commit is fine (a re-run does nothing); an
existing tag anywhere else is refused and nothing is moved. With a signing
key (``--sign-key``, else ``$ACCORD_RELEASE_SIGN_KEY``) tags are signed, and
an existing tag at the commit without a signature is refused too: it is not
replaced, and a release meant to be signed is not passed as done.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from accord.errors import InputError
from accord.release.checks import Request
from accord.release.gitrepo import BaseRepos, GitError
from accord.release.model import Deliverable, ProjectRef, Release
from accord.release.versions import canonical, is_end_marker
from accord.vcs.remote import ForeignRepository

_TAG_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+!-]*")
SIGN_KEY_ENVIRONMENT = "ACCORD_RELEASE_SIGN_KEY"
# unusable: the repository's .git leads out of it and the --git-base (exit 2)
TagStatus = Literal["created", "exists", "refused", "missing", "failed", "unusable"]


@dataclass(frozen=True, slots=True)
class Planned:
    """One repository's commit of one new release."""

    deliverable: Deliverable
    release: Release
    project: ProjectRef


@dataclass(frozen=True, slots=True)
class TagOutcome:
    planned: Planned
    status: TagStatus
    detail: str

    @property
    def ok(self) -> bool:
        return self.status in ("created", "exists")


def planned(requests: Iterable[Request]) -> Iterator[Planned]:
    """Every (deliverable, new release, repository) of the requests."""
    for request in requests:
        for release in request.new_releases:
            for project in release.projects:
                yield Planned(request.deliverable, release, project)


def resolve_sign_key(option: str | None) -> str | None:
    """The key to sign with: the option, else the environment, else none."""
    key = option if option is not None else os.environ.get(SIGN_KEY_ENVIRONMENT)
    key = (key or "").strip()
    if not key:
        return None
    if key.startswith("-") or any(c in key for c in "\0\n\r"):
        raise InputError(f"signing key {key!r} is not a key name")
    return key


def tag_message(item: Planned) -> str:
    kind = "end of maintenance" if is_end_marker(item.release.version) else "release"
    return f"{item.deliverable.name} {item.release.version} {kind}"


def tag_one(item: Planned, repos: BaseRepos, sign_key: str | None) -> TagOutcome:
    version, sha = item.release.version, item.project.hash
    if not _TAG_NAME.fullmatch(version) or (
        canonical(version) is None and not is_end_marker(version)
    ):
        return TagOutcome(item, "refused", f"{version!r} is not a version to tag")
    repo = repos.get(item.project.repo)
    if repo is None:
        return TagOutcome(item, "missing", f"repository {item.project.repo} not found")
    existing = repo.tag_commit(version)
    if existing == sha:
        if sign_key and not repo.tag_is_signed(version):
            return TagOutcome(
                item, "refused", f"{version} is at {sha[:12]} but not signed"
            )
        return TagOutcome(item, "exists", f"{version} already at {sha[:12]}")
    if existing is not None:
        return TagOutcome(
            item, "refused", f"{version} is already at {existing[:12]}, not {sha[:12]}"
        )
    if not repo.has_commit(sha):
        return TagOutcome(item, "missing", f"no commit {sha}")
    try:
        repo.create_tag(version, sha, tag_message(item), sign_key)
    except GitError as error:
        return TagOutcome(item, "failed", str(error))
    except ForeignRepository as error:
        return TagOutcome(item, "unusable", str(error))
    return TagOutcome(item, "created", f"{version} at {sha[:12]}")


def tag_all(
    requests: Iterable[Request], repos: BaseRepos, sign_key: str | None
) -> list[TagOutcome]:
    """Tag every new release; a refusal does not stop the others."""
    return [tag_one(item, repos, sign_key) for item in planned(requests)]
