"""A releases repository: its deliverable files, and those a change touches.

``deliverables/<series>/<name>.yaml`` files are read from the work tree; a
change is what differs from ``--base REF`` (commits and uncommitted edits),
each file paired with its text at the base.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from accord.errors import InputError
from accord.files import inside, read_text
from accord.findings import Finding
from accord.release._yaml import parse_deliverable
from accord.release.checks import Request
from accord.release.gitrepo import LocalRepo, run_git
from accord.release.model import INDEPENDENT, Deliverable

DELIVERABLES = "deliverables"


@dataclass(frozen=True, slots=True)
class ReleasesRepo:
    """Every deliverable file read, and what reading them found wrong."""

    root: Path
    deliverables: tuple[Deliverable, ...]
    findings: tuple[Finding, ...]

    def history(self, deliverable: Deliverable) -> Sequence[Deliverable]:
        """The same deliverable in earlier series, oldest first."""
        if deliverable.series == INDEPENDENT:
            return ()
        return sorted(
            (
                d
                for d in self.deliverables
                if d.name == deliverable.name
                and d.series != INDEPENDENT
                and series_order(d.series) < series_order(deliverable.series)
            ),
            key=lambda d: series_order(d.series),
        )

    def named(self, name: str, series: str | None = None) -> Deliverable | None:
        """The newest series' file of deliverable ``name`` (or ``series``')."""
        found = [
            d
            for d in self.deliverables
            if d.name == name and (series is None or d.series == series)
        ]
        return max(
            found,
            key=lambda d: (d.series != INDEPENDENT, series_order(d.series)),
            default=None,
        )


def series_order(series: str) -> tuple[bool, str]:
    """Series in the order they came: named ones (austin ... zed, in
    alphabetical order) before the dated ones (2023.1, 2023.2, ...)."""
    return (series[:1].isdigit(), series)


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def load_releases_repo(root: Path) -> ReleasesRepo:
    """Every ``deliverables/*/*.yaml`` under ``root``."""
    top = root / DELIVERABLES
    if not top.is_dir():
        raise InputError(f"no {DELIVERABLES}/ directory", path=str(root))
    deliverables: list[Deliverable] = []
    findings: list[Finding] = []
    # Everything named like a request file is read: a directory, a FIFO or a
    # link is a finding at its path (read_text names what it is), not skipped.
    for path in sorted(top.glob("*/*.yaml")):
        found, problems = read_deliverable(root, _relative(root, path))
        findings += problems
        if found is not None:
            deliverables.append(found)
    return ReleasesRepo(root, tuple(deliverables), tuple(findings))


def read_deliverable(
    root: Path, relative: str
) -> tuple[Deliverable | None, list[Finding]]:
    try:  # a regular file inside the repo, bounded, never waited on; UTF-8
        text = read_text(inside(root, relative), relative, bom=True)
    except InputError as error:
        return None, [Finding("R001", "error", relative, error.line, error.message)]
    return parse_deliverable(text, relative)


def refuse_unreadable(releases: ReleasesRepo, concerns: Callable[[str], bool]) -> None:
    """Raise the first error reading a deliverable file ``concerns`` names.

    A command that acts on requests (tag, branch, next, notes) must not act
    on what could be read of a broken file: its broken entries would be
    skipped as if never asked for. ``accord release validate`` lists them all.
    """
    for finding in releases.findings:
        if finding.severity == "error" and concerns(finding.path):
            raise InputError(
                finding.message,
                path=finding.path,
                line=finding.line,
                hint="accord release validate shows every problem; nothing was done",
            )


def requests_to_act_on(releases: ReleasesRepo, base: str | None) -> list[Request]:
    """:func:`changed_requests`, refused when a file of the change (every
    file without a base) could not be read whole."""
    changed = None if base is None else changed_paths(releases.root, base)
    refuse_unreadable(releases, lambda path: changed is None or path in changed)
    return changed_requests(releases, base)


def refuse_unreadable_named(releases: ReleasesRepo, name: str) -> None:
    """:func:`refuse_unreadable` for deliverable ``name``'s files, every
    series' (a broken newest file would leave an older series the newest,
    and the older ones are its history)."""
    wanted = f"{name}.yaml"
    refuse_unreadable(releases, lambda path: PurePosixPath(path).name == wanted)


def changed_requests(releases: ReleasesRepo, base: str | None) -> list[Request]:
    """The requests a change adds or edits: every file without a base."""
    if base is None:
        return [Request(d, None) for d in releases.deliverables]
    root = releases.root
    changed = changed_paths(root, base)
    requests: list[Request] = []
    repo = LocalRepo(root)
    sha = (
        run_git(root, "rev-parse", "--verify", f"{base}^{{commit}}")
        .stdout.decode()
        .strip()
    )
    for deliverable in releases.deliverables:
        if deliverable.path not in changed:
            continue
        data = repo.read_at(sha, deliverable.path)
        before = None
        if data is not None:
            before, _ = parse_deliverable(
                data.decode("utf-8", "replace"), deliverable.path
            )
        requests.append(Request(deliverable, before))
    return requests


def changed_paths(root: Path, base: str) -> set[str]:
    """The deliverable files that differ from ``base`` (edits and new files)."""
    if base.startswith("-"):
        raise InputError(f"--base {base!r} is not a git reference")
    result = run_git(
        root, "diff", "--name-only", "--no-renames", base, "--", DELIVERABLES
    )
    if result.returncode != 0:
        raise InputError(
            f"cannot compare with {base!r}: not a commit here", path=str(root)
        )
    changed = set(result.stdout.decode().splitlines())
    untracked = run_git(
        root, "ls-files", "--others", "--exclude-standard", "--", DELIVERABLES
    )
    changed.update(untracked.stdout.decode().splitlines())
    return changed
