"""accord constraints bump: newest, or exactly NAME==VERSION, on a branch.

Arguments and exit codes only; the policy is in accord.resolve (exact,
cooldown, stable) and git in accord.vcs.
"""

from __future__ import annotations

import contextlib
import fnmatch
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import UsageError
from accord.cli._cooldown import (
    cooldown_cutoffs,
    held_back_notes,
    now,
    vulnerability_exemptions,
)
from accord.cli._progress import resolution_progress
from accord.cli._resolving import (
    Resolving,
    check_bumpable,
    refuse_unreadable_list,
    report_generated,
    resolving_from,
)

if TYPE_CHECKING:
    from packaging.utils import NormalizedName

    from accord.resolve.exact import Target


def constraints_bump(
    names: Sequence[str],
    bump_all: bool,
    stable: bool,
    force: bool,
    propose: bool,
    group: bool,
    diff: bool,
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
    jobs: int | None,
    branch: str | None = None,
    wait: float | None = None,
    from_tag: Sequence[str] | None = None,
    osv_url: str | None = None,
    no_vulnerability_exemption: bool = False,
) -> int:
    from accord.cli._globals import print_note
    from accord.resolve.exact import parse_target

    names = list(names)
    if from_tag is not None:
        from accord.vcs.tags import read_tag

        release = read_tag(Path(from_tag[0]), from_tag[1])
        names.append(f"{release.name}=={release.version}")
        branch = branch or release.branch
        print_note(
            f"{from_tag[1]} of {from_tag[0]}: {release.name} {release.version} "
            f"on {release.branch}"
        )
    if bool(names) == bump_all:
        raise UsageError("name the libraries to bump, or pass --all (not both)")
    targets = [t for t in (parse_target(name) for name in names) if t is not None]
    plain = [name for name in names if parse_target(name) is None]
    if wait is not None and not targets:
        raise UsageError("--wait waits for NAME==VERSION releases; name one")
    with contextlib.ExitStack() as stack:
        checkout, home = stack.enter_context(_on_branch(requirements, branch, propose))
        resolving = stack.enter_context(
            resolving_from(
                checkout,
                index_url,
                extra_index_url,
                find_links,
                no_index,
                pythons,
                jobs,
                local_only=None if diff else "bump writes upper-constraints.txt there",
            )
        )
        return _bump(
            resolving, targets, plain, bump_all, stable, force, propose, group,
            diff, output_format, branch, wait,
            (osv_url, not no_vulnerability_exemption), home,
        )  # fmt: skip


def _bump(
    resolving: Resolving,
    targets: Sequence[Target],
    plain: Sequence[str],
    bump_all: bool,
    stable: bool,
    force: bool,
    propose: bool,
    group: bool,
    diff: bool,
    output_format: str,
    branch: str | None,
    wait: float | None,
    vulnerabilities: tuple[str | None, bool] = (None, True),
    home: Path | None = None,
) -> int:
    from accord.central import UPPER_CONSTRAINTS
    from accord.resolve.bump_commits import commit_bump
    from accord.resolve.exact import forced_moves
    from accord.resolve.generate import generate
    from accord.resolve.stable import refuse_on_stable
    from accord.writes import write_pip_file

    root, central = resolving.root, resolving.central
    refuse_unreadable_list(central)
    check_bumpable(central, [*plain, *(t.spelling for t in targets)])
    if propose:
        _check_committable(root, home)
    on = branch or _current_branch(root)
    if on is not None and any(
        fnmatch.fnmatchcase(on, glob) for glob in central.config.policy.stable_branches
    ):
        stable = True  # the branch says so (stable-branches in accord.toml)
    if stable and not force:
        refused = refuse_on_stable(
            central, [*plain, *(t.spelling for t in targets)], bump_all
        )
        if refused:
            raise UsageError(refused)
    if wait is not None:
        _wait(resolving, targets, wait)
    notes: list[str] = []
    installable = _installable(resolving, targets, notes)
    moving = {t.name for t in targets} | {_canonical(n) for n in plain}
    # A release named exactly is taken whatever its age; a name alone waits.
    limits = cooldown_cutoffs(resolving, {t.name for t in targets})
    # A moving library whose pin is vulnerable takes the young fix at once
    # (a release named exactly is taken anyway: no cap on it).
    fixes, fix_notes = vulnerability_exemptions(
        resolving,
        limits,
        *vulnerabilities,
        only=None if bump_all else {_canonical(n) for n in plain},
    )
    if fixes:
        limits = cooldown_cutoffs(
            resolving, {t.name for t in targets}, {f.name for f in fixes}
        )
    notes += fix_notes
    with resolution_progress(installable) as shown:
        result = generate(
            central,
            installable,
            shown.watch(resolving.resolver),
            resolving.jobs,
            shown.done,
            upgrade=plain,
            upgrade_all=bump_all,
            exact={t.name: str(t.version) for t in targets},
            strict=stable and not force and not bump_all,
            exclude_newer=limits.uv_arguments(now()),
            limits=[fix.constraint() for fix in fixes],
        )
    if not bump_all:
        notes += forced_moves(result.changes, moving)
    notes += held_back_notes(resolving, result, limits)
    result = replace(result, notes=(*result.notes, *notes))
    written = None
    commits: list[str] = []
    if result.text is not None and not diff:
        if propose:
            commits = commit_bump(root, central, result, group)
        else:
            # As read before the resolution, or a change meanwhile is kept.
            current = central.constraints.file.text if central.constraints else None
            write_pip_file(root / UPPER_CONSTRAINTS, result.text, expected=current)
        written = str(root / UPPER_CONSTRAINTS)
    for sha in commits:
        print(f"committed {sha[:12]}" + (f" on {on}" if on else ""), file=sys.stderr)
    return report_generated(
        resolving, result, output_format, written, diff, command="constraints bump"
    )


def _canonical(name: str) -> NormalizedName:
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


def _current_branch(root: Path) -> str | None:
    if not (root / ".git").exists():
        return None
    from accord.vcs.remote import current_branch

    return current_branch(root)


def _check_committable(root: Path, home: Path | None = None) -> None:
    """Refuse to commit a bump where the commit would be lost (a detached
    HEAD), would take the user's own uncommitted edits of the file, or would
    land in a repository outside the checkout and its workspace (``home``:
    the requirements repo whose temporary worktree ``root`` is)."""
    if not (root / ".git").exists():
        raise UsageError(f"--propose needs {root} to be a git repository")
    from accord.central import UPPER_CONSTRAINTS
    from accord.vcs import remote as git

    where = root if home is None else home
    git.check_git_dir(root, where, where.parent)
    try:
        git.check_work_tree(root)
    except git.GitError as error:
        raise UsageError(f"--propose cannot commit in {root}: {error}") from None
    if git.current_branch(root) is None:
        raise UsageError(
            f"{root} is on no branch (a detached HEAD): check a branch out, "
            "or pass --branch NAME with --propose"
        )
    if git.is_dirty(root, UPPER_CONSTRAINTS):
        raise UsageError(
            f"{root / UPPER_CONSTRAINTS} has uncommitted changes: commit or "
            "discard them first, or they would go into the bump's commit"
        )


@contextlib.contextmanager
def _on_branch(
    requirements: str | None, branch: str | None, propose: bool
) -> Iterator[tuple[str | None, Path | None]]:
    """The requirements repo to bump: the checkout when it is on ``branch``;
    with --propose, a temporary worktree of ``branch`` whose commits land on
    it (and the repository it belongs to); else refused."""
    if branch is None:
        yield requirements, None
        return
    from accord.locate import requirements_repo
    from accord.vcs import remote as git

    if not git.valid_branch(branch):
        raise UsageError(f"{branch!r} is not a branch name", option="--branch")
    root = requirements_repo(
        requirements, None, local_only="bump --branch writes on that branch there"
    )
    current = _current_branch(root)
    if current == branch:
        yield str(root), None
        return
    if not propose or current is None:
        raise UsageError(
            f"{root} is on {current or 'no branch'}, not {branch}: check {branch} "
            "out there, or pass --propose to commit the bump on it",
            option="--branch",
        )
    if not git.git(
        "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}",
        cwd=root, check=False,
    ).strip():  # fmt: skip
        raise UsageError(f"{root} has no branch {branch}", option="--branch")
    git.check_git_dir(root, root.parent)  # before the worktree is added
    with tempfile.TemporaryDirectory(prefix="accord-bump-") as tmp:
        worktree = Path(tmp) / "requirements"
        try:
            git.git("worktree", "add", "--quiet", str(worktree), branch, cwd=root)
        except git.GitError as error:
            raise git.GitError(f"{root}: cannot check {branch} out: {error}") from None
        try:
            yield str(worktree), root
        finally:
            git.git("worktree", "remove", "--force", str(worktree), cwd=root)


def _wait(resolving: Resolving, targets: Sequence[Target], seconds: float) -> None:
    from accord.index.wait import wait_for_release

    index = resolving.resolver.index
    if index.no_index or not (index.url or "https://").startswith("http"):
        raise UsageError("--wait polls an index: give --index-url (not --no-index)")
    for target in targets:
        wait_for_release(
            index.url or "https://pypi.org/simple/",
            target.spelling,
            target.version,
            seconds,
        )


def _installable(
    resolving: Resolving, targets: Sequence[Target], notes: list[str]
) -> tuple[str, ...]:
    """The Pythons where every named release installs (Requires-Python,
    wheels); the others keep their pins and a note says why."""
    if not targets:
        return tuple(resolving.pythons)
    from accord.errors import AccordError
    from accord.resolve.exact import probe_requests
    from accord.resolve.generate import resolve_all
    from accord.resolve.merge import sort_pythons

    pythons = sort_pythons(resolving.pythons)
    outcomes = resolve_all(
        probe_requests(targets, pythons), resolving.resolver, resolving.jobs
    )
    fine = tuple(o.python for o in outcomes if o.failure is None)
    wanted = ", ".join(str(t) for t in targets)
    failed = [o for o in outcomes if o.failure is not None]
    if not fine:
        reason = failed[0].failure.reason if failed[0].failure else ""
        raise AccordError(
            f"{wanted} installs on none of the Pythons ({', '.join(pythons)}): {reason}"
        )
    for outcome in failed:
        reason = outcome.failure.reason if outcome.failure else ""
        notes.append(
            f"not on Python {outcome.python}: {wanted} does not install there "
            f"({reason}); its pins stay"
        )
    return fine
