"""``accord release run``: every new release of a merged change, through
validate, tag, build, publish, announce and hand-off, in that order; then
each branch the change adds (its location is tagged by then).

The first failure stops the run (nothing after it is attempted). Every
step finds its own work already done and says so, so running again after
a failure (or twice) finishes what was left and repeats nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import parse_wheel_filename

from accord.errors import AccordError
from accord.findings import Finding, has_errors
from accord.release.branch import branch_one, planned_branches
from accord.release.build import build_release, own_file
from accord.release.checks import previous_release, target_branch
from accord.release.gitrepo import BaseRepos
from accord.release.handoff import hand_off
from accord.release.model import Deliverable, Release
from accord.release.notes import Note, ReleaseNotes, announcement, collect_notes
from accord.release.publish import files_to_publish, publish_files
from accord.release.requests import ReleasesRepo, changed_requests, load_releases_repo
from accord.release.tag import Planned, planned, tag_one
from accord.release.validate import validate_change
from accord.release.versions import is_end_marker
from accord.writes import write_atomic

LIBRARY_TYPES = frozenset({"library", "client-library"})


@dataclass(frozen=True, slots=True)
class Step:
    """What one step did for one release."""

    step: str  # validate, tag, build, publish, announce, hand-off, branch
    subject: str  # "acmelib 1.1.1 (org/acmelib)", or "" for validate
    status: str  # done, already done, skipped, failed
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RunOptions:
    releases: Path
    base: str | None
    repos: BaseRepos
    out: Path
    uv: str
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    index: str | None = None
    check_url: str | None = None
    announce: Path | None = None
    requirements: Path | None = None
    sign_key: str | None = None


@dataclass
class RunReport:
    steps: list[Step] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stage: str = "validate"  # the step under way, named if it fails

    @property
    def ok(self) -> bool:
        return all(s.status != "failed" for s in self.steps)


def release_notes(
    releases: ReleasesRepo, deliverable: Deliverable, release: Release, repos: BaseRepos
) -> ReleaseNotes:
    """The notes of ``release``: those added since the release before it."""
    index = deliverable.releases.index(release)
    previous = previous_release(deliverable, index, releases.history(deliverable))
    before = {} if previous is None else {p.repo: p.hash for p in previous.projects}
    notes: list[Note] = []
    problems: list[str] = []
    for project in release.projects:
        repo = repos.get(project.repo)
        if repo is None:
            problems.append(f"repository {project.repo} not found")
            continue
        found = collect_notes(repo, "", before.get(project.repo), project.hash)
        notes += found.notes
        problems += found.problems
    title = f"{deliverable.name} {release.version}"
    return ReleaseNotes(title, tuple(notes), tuple(problems))


def run_release(options: RunOptions) -> RunReport:
    report = RunReport()
    report.findings = validate_change(options.releases, options.base, options.repos)
    if has_errors(report.findings):
        errors = sum(f.severity == "error" for f in report.findings)
        report.steps.append(Step("validate", "", "failed", f"{errors} error(s)"))
        return report
    report.steps.append(Step("validate", "", "done"))
    releases = load_releases_repo(options.releases)
    for item in planned(changed_requests(releases, options.base)):
        try:
            _release_one(item, releases, options, report)
        except AccordError as error:
            report.steps.append(
                Step(report.stage, _subject(item), "failed", str(error))
            )
        if not report.ok:
            return report
    _branches(releases, options, report)
    return report


def _branches(releases: ReleasesRepo, options: RunOptions, report: RunReport) -> None:
    """Each branch the change adds, once every release is tagged."""
    report.stage = "branch"
    requests = changed_requests(releases, options.base)
    for deliverable, branch in planned_branches(requests):
        outcomes = branch_one(deliverable, branch, releases.history, options.repos)
        for outcome in outcomes:
            status = {"created": "done", "exists": "already done"}.get(
                outcome.status, "failed"
            )
            subject = f"{deliverable.name} {branch.name}" + (
                f" ({outcome.repo})" if outcome.repo else ""
            )
            report.steps.append(Step("branch", subject, status, outcome.detail))
        if not report.ok:
            return


def _subject(item: Planned) -> str:
    return f"{item.deliverable.name} {item.release.version} ({item.project.repo})"


def _release_one(
    item: Planned, releases: ReleasesRepo, options: RunOptions, report: RunReport
) -> None:
    subject, version = _subject(item), item.release.version
    report.stage = "tag"
    tagged = tag_one(item, options.repos, options.sign_key)
    status = {"created": "done", "exists": "already done"}.get(tagged.status, "failed")
    report.steps.append(Step("tag", subject, status, tagged.detail))
    if status == "failed" or is_end_marker(version):
        return
    repo = options.repos.get(item.project.repo)
    if repo is None:  # tag_one said so already
        return
    report.stage = "build"
    built = build_release(
        repo, version, options.out, options.uv, options.find_links, options.no_index
    )
    files = [(a.name, a.sha256) for a in built.artifacts]
    built_status = "done" if built.built else "already done"
    names = ", ".join(n for n, _ in files)
    report.steps.append(Step("build", subject, built_status, names))
    if options.index is None:
        report.steps.append(Step("publish", subject, "skipped", "no --index"))
    else:
        report.stage = "publish"
        outcomes = publish_files(
            files_to_publish(options.out, version),
            options.index,
            options.check_url,
            options.uv,
        )
        uploaded = [o.name for o in outcomes if o.status == "uploaded"]
        published = "done" if uploaded else "already done"
        report.steps.append(Step("publish", subject, published, ", ".join(uploaded)))
    report.stage = "announce"
    notes = release_notes(releases, item.deliverable, item.release, options.repos)
    directory = options.announce or options.out
    directory.mkdir(parents=True, exist_ok=True)
    target = own_file(directory, f"{item.deliverable.name}-{version}.md")
    text = announcement(notes, files)
    # Compared as bytes: an old file that is not text is simply replaced.
    previous = target.read_bytes() if target.is_file() else None
    if previous != text.encode("utf-8"):
        write_atomic(target, text)
    report.steps.append(
        Step(
            "announce",
            subject,
            "done" if previous != text.encode("utf-8") else "already done",
            str(target),
        )
    )
    _hand_off(
        item,
        repo_branch=target_branch(repo, item.deliverable.series),
        files=files,
        options=options,
        report=report,
    )


def _hand_off(
    item: Planned,
    repo_branch: str | None,
    files: Sequence[tuple[str, str]],
    options: RunOptions,
    report: RunReport,
) -> None:
    subject = _subject(item)
    if options.requirements is None:
        report.steps.append(Step("hand-off", subject, "skipped", "no --requirements"))
        return
    if item.deliverable.type not in LIBRARY_TYPES:
        report.steps.append(
            Step(
                "hand-off",
                subject,
                "skipped",
                f"a {item.deliverable.type}, not a library",
            )
        )
        return
    wheels = [name for name, _ in files if name.endswith(".whl")]
    name = str(parse_wheel_filename(wheels[0])[0]) if wheels else item.deliverable.name
    report.stage = "hand-off"
    done = hand_off(options.requirements, name, item.release.version, repo_branch)
    status = "done" if done.commit else "already done"
    detail = f"{name}==={item.release.version}" + (
        f" in {done.commit[:12]}" if done.commit else f": {done.note}"
    )
    report.steps.append(Step("hand-off", subject, status, detail))
