"""`accord propose`: send sync changes to every consuming repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from accord.cli._app import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    progress,
)


def propose(
    requirements: str | None,
    output_format: str,
    git_base: str | None,
    workdir: Path,
    branch: str | None,
    topic: str,
    push: bool,
    push_url: str | None,
    change_id: bool,
    jobs: int,
    workspace: Path | None,
) -> int:
    from accord.central import load_central_repo
    from accord.locate import default_workspace, requirements_repo
    from accord.propose import ProposeOptions, propose_all
    from accord.vcs import remote

    root = requirements_repo(requirements)
    workspace = default_workspace(root, workspace)
    central = load_central_repo(root)
    if central.projects is None:
        raise UsageError(f"no projects.txt in {root}")
    commit = remote.head_sha(root) if (root / ".git").exists() else None
    if branch is None and (root / ".git").exists():
        current = remote.current_branch(root)
        if current is not None and current.startswith("stable/"):
            branch = current  # a stable branch proposes to the same stable branch
    options = ProposeOptions(
        workdir.resolve(),
        git_base,
        branch,
        topic,
        push,
        push_url,
        change_id,
        workspace if workspace is not None else root.resolve().parent,
    )
    entries = list(dict.fromkeys(p.name for p in central.projects.projects))
    with progress(len(entries)) as advance:
        proposals = propose_all(
            central, entries, options, commit, jobs, lambda _: advance()
        )
    if output_format == "json":
        print(
            json.dumps(
                {
                    "schema": 1,
                    "command": "propose",
                    "pushed": push,
                    "proposals": [
                        {
                            "project": p.project,
                            "status": p.status,
                            "branch": p.branch,
                            "files": list(p.files),
                            "commit": p.commit,
                            "message": p.message,
                        }
                        for p in proposals
                    ],
                },
                indent=2,
            )
        )
    else:
        from rich.console import Console
        from rich.table import Table

        console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
        if not push:
            for p in proposals:
                if p.diff:
                    console.print(f"[bold]{p.project}[/] ({p.branch}):", markup=True)
                    console.out(p.diff, highlight=False)
        table = Table(title="propose" + ("" if push else " (dry run: nothing pushed)"))
        for column in ("project", "branch", "changed files", "proposal"):
            table.add_column(column)
        for p in proposals:
            status = p.status if p.message is None else f"{p.status}: {p.message}"
            table.add_row(p.project, p.branch or "-", ", ".join(p.files) or "-", status)
        console.print(table)
    if any(p.status == "unusable" for p in proposals):
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(p.status == "failed" for p in proposals) else EXIT_OK
