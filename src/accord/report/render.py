"""Render findings for people (a table) and for machines (JSON).

The JSON shape is documented in the README and stable:
``{"command": ..., "findings": [{rule, severity, path, line, message, fix}],
"summary": {"errors": N, "warnings": N}}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from accord.findings import Finding
from accord.textdiff import unified_diff

if TYPE_CHECKING:
    from accord.sync.plan import SyncPlan
    from accord.usage import Use

JSON_SCHEMA_VERSION = 1


def summarize(findings: Sequence[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.severity == "error")
    return {"errors": errors, "warnings": len(findings) - errors}


def render_json(command: str, findings: Sequence[Finding], **extra: object) -> str:
    document: dict[str, object] = {
        "schema": JSON_SCHEMA_VERSION,
        "command": command,
        **extra,
        "findings": [f.as_dict() for f in findings],
        "summary": summarize(findings),
    }
    return json.dumps(document, indent=2)


def render_table(findings: Sequence[Finding], stream: IO[str], title: str) -> None:
    # rich costs tens of milliseconds to import; only pay it when rendering.
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Off a terminal (CI logs, pipes) rich would wrap at 80 columns.
    width = None if stream.isatty() else 160
    console = Console(file=stream, highlight=False, soft_wrap=False, width=width)
    counts = summarize(findings)
    if findings:
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("severity")
        table.add_column("rule")
        table.add_column("where", overflow="fold")
        table.add_column("message", overflow="fold", ratio=1)
        for finding in findings:
            where = (
                finding.path
                if finding.line is None
                else (f"{finding.path}:{finding.line}")
            )
            message = Text(finding.message)
            if finding.fix:
                message.append(f"\nfix: {finding.fix}", style="dim")
            style = "bold red" if finding.severity == "error" else "yellow"
            table.add_row(
                Text(finding.severity, style=style), finding.rule, where, message
            )
        console.print(table)
    verdict = "[bold red]failed[/]" if counts["errors"] else "[green]ok[/]"
    console.print(
        f"{title}: {verdict} — {counts['errors']} error(s), "
        f"{counts['warnings']} warning(s)"
    )


def render_sync(
    plan: SyncPlan, output_format: str, project: Path, written: bool, diff: bool
) -> str:
    """What a sync changed (or would change), and what is still wrong."""
    if output_format == "json":
        return json.dumps(
            {
                "schema": JSON_SCHEMA_VERSION,
                "command": "sync",
                "written": written,
                "changes": [
                    {
                        "path": c.path,
                        "line": c.line,
                        "old": c.old,
                        "new": c.new,
                        "licence": None
                        if c.licence is None
                        else {"old": c.licence[0], "new": c.licence[1]},
                    }
                    for c in plan.changes
                ],
                "files": [u.path for u in plan.updates],
                "findings": [f.as_dict() for f in plan.findings],
                "summary": summarize(plan.findings),
            },
            indent=2,
        )
    out: list[str] = []
    if diff:
        out.extend(
            unified_diff(update.path, update.old_text, update.new_text)
            for update in plan.updates
        )
    else:
        for change in plan.changes:
            new = "(removed)" if change.new is None else change.new
            where = f"{change.path}:{change.line}"
            if new != change.old:
                out.append(f"{where}: {change.old}  ->  {new}\n")
            if change.licence is not None:
                old_licence, new_licence = change.licence
                out.append(f"{where}: licence {old_licence}  ->  {new_licence}\n")
    for finding in plan.findings:
        where = (
            finding.path if finding.line is None else f"{finding.path}:{finding.line}"
        )
        out.append(f"{where}: {finding.severity} {finding.rule} {finding.message}\n")
    if plan.blocked:
        verdict = "not written: a source could not be read"
    elif not plan.updates:
        verdict = "already in sync"
    elif written:
        verdict = f"wrote {len(plan.updates)} file(s)"
    else:
        verdict = f"would change {len(plan.updates)} file(s)"
    out.append(f"sync {project}: {verdict}")
    return "".join(out)


def render_users(
    name: str, uses: Sequence[Use], problems: Sequence[str], output_format: str
) -> str:
    if output_format == "json":
        return json.dumps(
            {
                "schema": JSON_SCHEMA_VERSION,
                "command": "who-uses",
                "name": name,
                "uses": [
                    {
                        "project": u.project,
                        "path": u.path,
                        "line": u.line,
                        "source": u.source,
                        "requirement": u.requirement,
                    }
                    for u in uses
                ],
                "unreadable": list(problems),
            },
            indent=2,
        )
    lines = [
        f"{u.project}/{u.path}:{u.line}: {u.requirement}  ({u.source})" for u in uses
    ]
    lines.extend(f"not read: {problem}" for problem in problems)
    projects = len({u.project for u in uses})
    lines.append(f"{name}: used {len(uses)} time(s) by {projects} project(s)")
    return "\n".join(lines)
