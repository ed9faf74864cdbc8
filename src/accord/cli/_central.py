"""Commands on the central files and one project: validate, check, sync."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from accord.cli._app import EXIT_FINDINGS, EXIT_OK, UsageError, finish
from accord.findings import has_errors

if TYPE_CHECKING:
    from accord.central import CentralRepo


def validate(
    repo: str | None, requirements: str | None, output_format: str, fix: bool = False
) -> int:
    from accord.central import load_central_repo
    from accord.locate import requirements_repo
    from accord.rules.validate import validate as run_validate

    if repo is not None and requirements is not None and repo != requirements:
        raise UsageError("give the repo either as REPO or as --requirements")
    root = requirements_repo(
        repo or requirements,
        local_only="--fix rewrites its global-requirements.txt" if fix else None,
    )
    central = load_central_repo(root)  # bad input stops here, before a write
    extra: dict[str, object] = {}
    if fix:
        from accord.rules.formatting import fix_formatting

        text, fixed = fix_formatting(central.global_list.file)
        if fixed:
            # Through a symlink to its target, so the link stays a link.
            target = (root / central.global_list.path).resolve()
            _write_fixed(target, central, text)
            central = load_central_repo(root)
        extra["fixed"] = {"path": central.global_list.path, "lines": list(fixed)}
        if output_format != "json":
            print(
                f"validate --fix: rewrote {len(fixed)} line(s) of "
                f"{central.global_list.path}"
                + (f" ({', '.join(map(str, fixed))})" if fixed else "")
            )
    findings = run_validate(central)
    return finish(
        "validate", findings, output_format, f"validate {root}", root, **extra
    )


def _write_fixed(path: Path, central: CentralRepo, text: str) -> None:
    """Replace the global list, unless it changed since it was validated.

    Either way it is a failed operation, exit 1 as the README says: an edit
    saved meanwhile is kept (a ConflictError, as for sync), and a write that
    fails is a WriteError from write_atomic, the file left as it was."""
    from accord.files import read_text
    from accord.writes import ConflictError, write_pip_file

    name = central.global_list.path
    if read_text(path, name, bom=True) != central.global_list.file.text:
        raise ConflictError(
            "changed while accord was fixing it; nothing was written "
            "(run validate --fix again)",
            path=name,
        )
    # Checked again right before the rename.
    write_pip_file(path, text, expected=central.global_list.file.text)


def check(project: Path, requirements: str | None, output_format: str) -> int:
    from accord.depends_on import central_for_project
    from accord.locate import requirements_repo
    from accord.project import load_project
    from accord.rules.check import check_project

    central, notes = central_for_project(
        requirements_repo(requirements, project), project
    )
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
    requirements: str | None,
    output_format: str,
    diff: bool,
    check_only: bool,
    prune: bool,
) -> int:
    import sys

    from accord.central import load_central_repo
    from accord.locate import requirements_repo
    from accord.project import load_project
    from accord.report.render import render_sync
    from accord.sync.apply import write_updates
    from accord.sync.plan import plan_sync
    from accord.writes import ConflictError

    central = load_central_repo(requirements_repo(requirements, project))
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
    if output_format in ("table", "json"):
        print(render_sync(plan, output_format, project, written=write, diff=diff))
    else:  # a CI format: what is still wrong, and each line sync rewrites
        from accord.report.ci import sync_findings

        changes = sync_findings(plan.changes, write, check_only)
        findings = [*plan.findings, *changes]
        finish("sync", findings, output_format, f"sync {project}", project)
    failed = has_errors(plan.findings) or (check_only and bool(plan.updates))
    return EXIT_FINDINGS if failed else EXIT_OK
