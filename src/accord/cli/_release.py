"""``accord release ...``: the handlers; the work is in :mod:`accord.release`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, finish

if TYPE_CHECKING:
    from collections.abc import Sequence

    from accord.release.gitrepo import BaseRepos


def _repos(git_base: str | None, workdir: Path) -> BaseRepos | None:
    return None if git_base is None else _base_repos(git_base, workdir)


def _base_repos(git_base: str, workdir: Path) -> BaseRepos:
    """The repositories under ``--git-base``; clones go to ``--workdir``."""
    from accord.release.gitrepo import BaseRepos

    _directory(workdir, "--workdir")
    return BaseRepos(git_base, workdir.resolve())


def _releases_root(releases: Path) -> Path:
    if not (releases / "deliverables").is_dir():
        raise UsageError(f"{releases} has no deliverables/ directory", "RELEASES_REPO")
    return releases


def _url(value: str | None, option: str) -> None:
    """An index URL, checked before uv is asked (its own message is long)."""
    from urllib.parse import urlsplit

    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{value!r} is not an http(s) URL", option)


def _directory(path: Path | None, option: str) -> None:
    """A directory to write into: absent (made then) or a directory."""
    if path is not None and (path.exists() or path.is_symlink()) and not path.is_dir():
        raise UsageError(f"{path} is not a directory", option)


def validate(
    releases: Path,
    base: str | None,
    git_base: str | None,
    workdir: Path,
    requirements: str | None,
    output_format: str,
) -> int:
    from accord.release.validate import project_check, validate_change

    root = _releases_root(releases)
    check = None
    if requirements is not None:
        from accord.central import load_central_repo
        from accord.locate import requirements_repo

        check = project_check(load_central_repo(requirements_repo(requirements)))
    findings = validate_change(root, base, _repos(git_base, workdir), check)
    title = f"release validate {root}" + ("" if base is None else f" since {base}")
    if git_base is None:
        title += " (no --git-base: commits not checked)"
    return finish("release validate", findings, output_format, title, root)


def _report(
    command: str,
    rows: Sequence[dict[str, str]],
    output_format: str,
    ok: bool,
    **extra: object,
) -> int:
    """A step's outcomes: a table (or JSON), and whether all went well."""
    if output_format == "json":
        report = {"schema": 1, "command": command, "ok": ok, "results": list(rows)}
        print(json.dumps({**report, **extra}, indent=2))
    else:
        from accord.cli._globals import is_quiet

        for row in rows:
            print("  ".join(row.values()))
        if not is_quiet():
            print(f"{command}: {'ok' if ok else 'failed'} — {len(rows)} result(s)")
    return EXIT_OK if ok else EXIT_FINDINGS


def tag(
    releases: Path,
    base: str | None,
    git_base: str,
    workdir: Path,
    sign_key: str | None,
    output_format: str,
) -> int:
    from accord.release.requests import load_releases_repo, requests_to_act_on
    from accord.release.tag import resolve_sign_key, tag_all

    key = resolve_sign_key(sign_key)
    root = _releases_root(releases)
    repos = _base_repos(git_base, workdir)
    requests = requests_to_act_on(load_releases_repo(root), base)
    outcomes = tag_all(requests, repos, key)
    rows = [
        {
            "deliverable": o.planned.deliverable.name,
            "version": o.planned.release.version,
            "repo": o.planned.project.repo,
            "status": o.status,
            "detail": o.detail,
        }
        for o in outcomes
    ]
    ok = all(o.ok for o in outcomes)
    code = _report("release tag", rows, output_format, ok)
    return EXIT_BAD_INPUT if any(o.status == "unusable" for o in outcomes) else code


def branch(
    releases: Path, base: str | None, git_base: str, workdir: Path, output_format: str
) -> int:
    from accord.release.branch import branch_all
    from accord.release.requests import load_releases_repo, requests_to_act_on

    found = load_releases_repo(_releases_root(releases))
    outcomes = branch_all(
        requests_to_act_on(found, base),
        found.history,
        _base_repos(git_base, workdir),
    )
    rows = [
        {
            "deliverable": o.deliverable.name,
            "branch": o.branch.name,
            "repo": o.repo,
            "status": o.status,
            "detail": o.detail,
        }
        for o in outcomes
    ]
    ok = all(o.ok for o in outcomes)
    code = _report("release branch", rows, output_format, ok)
    return EXIT_BAD_INPUT if any(o.status == "unusable" for o in outcomes) else code


def build(
    repo: str,
    version: str,
    git_base: str,
    workdir: Path,
    out: Path,
    find_links: list[str],
    no_index: bool,
    output_format: str,
) -> int:
    from accord.release.build import build_release
    from accord.resolve.uv import find_uv

    _directory(out, "--out")
    found = _base_repos(git_base, workdir).get(repo)
    if found is None:
        raise UsageError(f"repository {repo} not found under {git_base}", "REPO")
    outcome = build_release(found, version, out, find_uv(), find_links, no_index)
    status = "built" if outcome.built else "already built"
    rows = [
        {"file": str(out / a.name), "sha256": a.sha256, "status": status}
        for a in outcome.artifacts
    ]
    return _report("release build", rows, output_format, True)


def publish(dist: Path, index: str, check_url: str | None, output_format: str) -> int:
    from accord.release.publish import files_to_publish, publish_files
    from accord.resolve.uv import find_uv

    _url(index, "--index")
    _url(check_url, "--check-url")
    outcomes = publish_files(files_to_publish(dist), index, check_url, find_uv())
    rows = [{"file": o.name, "status": o.status} for o in outcomes]
    return _report("release publish", rows, output_format, True)


def notes(
    name: str,
    version: str | None,
    releases: Path,
    git_base: str,
    workdir: Path,
    output_format: str,
) -> int:
    from accord.release.requests import load_releases_repo, refuse_unreadable_named
    from accord.release.run import release_notes

    repo = load_releases_repo(_releases_root(releases))
    refuse_unreadable_named(repo, name)
    deliverable = repo.named(name)
    if deliverable is None or not deliverable.releases:
        raise UsageError(f"no releases of {name} in {releases}", "NAME")
    release = deliverable.releases[-1] if version is None else deliverable.find(version)
    if release is None:
        raise UsageError(f"{name} has no release {version}", "VERSION")
    found = release_notes(repo, deliverable, release, _base_repos(git_base, workdir))
    if output_format == "json":
        notes_json = [
            {
                "path": n.path,
                "sections": {k: [e.strip() for e in es] for k, es in n.sections},
            }
            for n in found.notes
        ]
        report = {
            "schema": 1, "command": "release notes", "title": found.title,
            "markdown": found.markdown(), "notes": notes_json,
            "problems": list(found.problems),
        }  # fmt: skip
        print(json.dumps(report, indent=2))
    else:
        print(found.markdown(), end="")
    for problem in found.problems:
        _warn(problem)
    return EXIT_OK


def _warn(message: str) -> None:
    import sys

    print(f"accord: warning: {message}", file=sys.stderr)


def run(
    releases: Path,
    base: str | None,
    git_base: str,
    workdir: Path,
    out: Path,
    find_links: list[str],
    no_index: bool,
    index: str | None,
    check_url: str | None,
    announce: Path | None,
    requirements: str | None,
    sign_key: str | None,
    output_format: str,
) -> int:
    from accord.release.run import RunOptions, run_release
    from accord.release.tag import resolve_sign_key
    from accord.resolve.uv import find_uv

    key = resolve_sign_key(sign_key)
    _url(index, "--index")
    _url(check_url, "--check-url")
    _directory(out, "--out")
    _directory(announce, "--announce")

    central = None
    if requirements is not None:
        from accord.central import UPPER_CONSTRAINTS
        from accord.locate import requirements_repo

        central = requirements_repo(
            requirements, local_only="release run commits the pin there"
        )
        if not (central / UPPER_CONSTRAINTS).is_file():  # before any step
            raise UsageError(
                f"{central} has no {UPPER_CONSTRAINTS} to hand the pins to",
                "--requirements",
            )
    options = RunOptions(
        _releases_root(releases), base, _base_repos(git_base, workdir), out,
        find_uv(), tuple(find_links), no_index, index, check_url, announce, central,
        key,
    )  # fmt: skip
    report = run_release(options)
    if report.findings and output_format != "json":
        finish("release validate", report.findings, "table", "release run: validate")
    rows = [
        {"step": s.step, "release": s.subject, "status": s.status, "detail": s.detail}
        for s in report.steps
    ]
    findings = [f.as_dict() for f in report.findings]
    return _report("release run", rows, output_format, report.ok, findings=findings)


def next_release(
    name: str,
    bump: str,
    releases: Path,
    series: str | None,
    git_base: str,
    workdir: Path,
    diff: bool,
    output_format: str,
) -> int:
    from accord.release.propose import plan_next, with_entry
    from accord.release.requests import load_releases_repo, refuse_unreadable_named
    from accord.writes import write_atomic

    root = _releases_root(releases)
    repo = load_releases_repo(root)
    refuse_unreadable_named(repo, name)
    deliverable = repo.named(name, series)
    if deliverable is None:
        where = "" if series is None else f" in series {series}"
        raise UsageError(f"no deliverable {name}{where} in {root}", "NAME")
    planned = plan_next(repo, deliverable, bump, _base_repos(git_base, workdir))
    path = root / deliverable.path
    text = path.read_bytes().decode("utf-8")
    new = with_entry(text, planned)
    shown = None
    if diff:
        from accord.textdiff import unified_diff

        shown = unified_diff(deliverable.path, text, new)
    else:
        write_atomic(path, new)
    if output_format == "json":
        projects = [{"repo": r, "hash": h, "branch": b} for r, h, b in planned.projects]
        report = {
            "schema": 1, "command": "release next", "deliverable": name,
            "series": deliverable.series, "path": deliverable.path,
            "version": str(planned.version), "projects": projects,
            "written": not diff, "diff": shown,
        }  # fmt: skip
        print(json.dumps(report, indent=2))
    elif shown is not None:
        print(shown, end="")
    else:
        print(f"{deliverable.path}: {name} {planned.version}")
    return EXIT_OK
