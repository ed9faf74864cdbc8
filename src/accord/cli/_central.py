"""Commands on the central files and one project: validate, check, sync, who-uses."""

from __future__ import annotations

from pathlib import Path

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, UsageError, finish
from accord.findings import has_errors


def validate(repo: Path | None, requirements: Path | None, output_format: str) -> int:
    from accord.central import load_central_repo
    from accord.rules.validate import validate as run_validate

    if repo is not None and requirements is not None and repo != requirements:
        raise UsageError("give the repo either as REPO or as --requirements")
    root = repo or requirements or Path()
    findings = run_validate(load_central_repo(root))
    return finish("validate", findings, output_format, f"validate {root}", root)


def check(project: Path, requirements: Path | None, output_format: str) -> int:
    from accord.depends_on import central_for_project
    from accord.project import load_project
    from accord.rules.check import check_project

    central, notes = central_for_project(requirements or Path(), project)
    findings = check_project(load_project(project, central.config), central)
    title = f"check {project}"
    if central.commit is not None:
        title += f" against {central.root} at {central.commit[:12]} (Depends-On)"
    return finish(
        "check",
        [*findings, *notes],
        output_format,
        title,
        project,
        central={"path": str(central.root), "commit": central.commit},
    )


def sync(
    project: Path,
    requirements: Path | None,
    output_format: str,
    diff: bool,
    check_only: bool,
    prune: bool,
) -> int:
    import sys

    from accord.central import load_central_repo
    from accord.files import ConflictError
    from accord.project import load_project
    from accord.report.render import render_sync
    from accord.sync.apply import write_updates
    from accord.sync.plan import plan_sync

    central = load_central_repo(requirements or Path())
    plan = plan_sync(load_project(project, central.config), central, prune=prune)
    write = not (diff or check_only or plan.blocked)
    if write:
        try:
            write_updates(project, plan.updates)
        except ConflictError as error:
            # Someone else's edit won the race: a failed operation (1), not
            # bad input (2); every file is as it was.
            print(f"accord: error: {error}", file=sys.stderr)
            return EXIT_FINDINGS
    print(render_sync(plan, output_format, project, written=write, diff=diff))
    failed = has_errors(plan.findings) or (check_only and bool(plan.updates))
    return EXIT_FINDINGS if failed else EXIT_OK


def who_uses(
    name: str, requirements: Path | None, output_format: str, workspace: Path | None
) -> int:
    from accord.central import load_central_repo
    from accord.fleet import fleet_members
    from accord.report.render import render_users
    from accord.usage import find_users

    central = load_central_repo(requirements or Path())
    members = fleet_members(central, workspace)
    users, problems = find_users(central, members, name)
    roots = {member.name: member.path for member in members}
    print(render_users(name, users, problems, output_format, roots))
    return EXIT_OK
