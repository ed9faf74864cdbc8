"""Render fleet outcomes: every project's findings, then a summary table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from accord.findings import Finding
from accord.fleet import Mode, Outcome
from accord.masking import mask_credentials
from accord.report.users import JSON_SCHEMA_VERSION, shown


def render_fleet_json(mode: Mode, outcomes: Sequence[Outcome]) -> str:
    return mask_credentials(_fleet_json(mode, outcomes))


def _fleet_json(mode: Mode, outcomes: Sequence[Outcome]) -> str:
    return json.dumps(
        {
            "schema": JSON_SCHEMA_VERSION,
            "command": f"fleet {mode}",
            "projects": [
                {
                    "project": o.member.name,
                    "path": str(o.member.path),
                    "status": o.status,
                    "message": o.message,
                    "sources": o.sources,
                    "errors": o.errors,
                    "warnings": o.warnings,
                    "changed_files": list(o.changed_files),
                    "written": o.written,
                    "findings": [f.as_dict() for f in o.findings],
                }
                for o in outcomes
            ],
            "summary": _summary(outcomes),
        },
        indent=2,
    )


def _summary(outcomes: Sequence[Outcome]) -> dict[str, int]:
    return {
        "projects": len(outcomes),
        "failed": sum(1 for o in outcomes if o.status != "ok"),
        "errors": sum(o.errors for o in outcomes),
        "warnings": sum(o.warnings for o in outcomes),
        "would_change": sum(1 for o in outcomes if o.changed_files),
    }


def render_fleet_table(
    mode: Mode,
    outcomes: Sequence[Outcome],
    stream: IO[str],
    width: int | None = None,
    wrote: bool = False,
) -> None:
    """Each finding (with its fix, at a path that opens from here), each diff,
    each project that could not run, then a summary table ``width`` wide
    (default: the terminal's, or 80 off a terminal). ``wrote``: a sync that
    writes, so the last column says what changed, not what would."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if width is None and not stream.isatty():
        width = 80
    console = Console(file=stream, highlight=False, width=width, soft_wrap=True)
    for outcome in outcomes:
        paths = {f.path: shown(outcome.member.path / f.path) for f in outcome.findings}
        for f in map(Finding.shown, outcome.findings):
            where = paths[f.path]
            where = where if f.line is None else f"{where}:{f.line}"
            style = "red" if f.severity == "error" else "yellow"
            console.print(
                mask_credentials(
                    f"{escape(where)}: [{style}]{f.severity}[/] {f.rule} "
                    f"{escape(f.message)}"
                )
            )
            if f.fix:
                console.print(
                    mask_credentials(f"    fix: {escape(f.fix)}"), style="dim"
                )
        for diff in outcome.diffs:
            console.print(diff, end="", markup=False)
    for outcome in outcomes:
        if outcome.message is not None:
            console.print(
                mask_credentials(
                    f"{escape(outcome.member.name)}: [bold red]{outcome.status}[/]: "
                    f"{escape(outcome.message)}"
                )
            )
    written = wrote or any(o.written for o in outcomes)
    changed = "changed" if written else "would change"
    table = Table(title=f"fleet {mode}", header_style="bold")
    table.add_column("project", overflow="fold", ratio=1)
    for column in ("status", "sources", "errors", "warnings", changed):
        table.add_column(column, justify="right", no_wrap=True)
    for o in outcomes:
        style = {"ok": "green", "failed": "red"}.get(o.status, "bold red")
        files = len(o.changed_files)
        count = f"{files} file{'s' if files != 1 else ''}" if files else "-"
        if written and files and not o.written:
            count = "not written"
        table.add_row(
            escape(mask_credentials(o.member.name)),
            f"[{style}]{o.status}[/]",
            str(o.sources),
            str(o.errors),
            str(o.warnings),
            count,
        )
    console.print(table)
    summary = _summary(outcomes)
    tail = ""
    if mode == "sync":
        tail = f", {summary['would_change']} " + ("synced" if written else "to sync")
    console.print(
        f"{summary['projects']} project(s): {summary['failed']} failing, "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s){tail}"
    )
