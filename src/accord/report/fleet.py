"""Render fleet outcomes: every project's findings, then a summary table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from accord.fleet import Mode, Outcome
from accord.masking import mask_credentials
from accord.report.render import JSON_SCHEMA_VERSION


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
    mode: Mode, outcomes: Sequence[Outcome], stream: IO[str]
) -> None:
    from rich.console import Console
    from rich.table import Table

    width = None if stream.isatty() else 160
    console = Console(file=stream, highlight=False, width=width)
    for outcome in outcomes:
        for f in outcome.findings:
            where = f.path if f.line is None else f"{f.path}:{f.line}"
            style = "red" if f.severity == "error" else "yellow"
            console.print(
                mask_credentials(
                    f"{outcome.member.name}/{where}: [{style}]{f.severity}[/] "
                    f"{f.rule} {f.message}"
                ),
                markup=True,
            )
    table = Table(title=f"fleet {mode}", header_style="bold")
    for column in (
        "project",
        "status",
        "sources",
        "errors",
        "warnings",
        "would change",
    ):
        table.add_column(column, justify="left" if column == "project" else "right")
    for o in outcomes:
        status = o.status if o.message is None else f"{o.status}: {o.message}"
        status = mask_credentials(status)
        style = {"ok": "green", "failed": "red"}.get(o.status, "bold red")
        table.add_row(
            mask_credentials(o.member.name),
            f"[{style}]{status}[/]",
            str(o.sources),
            str(o.errors),
            str(o.warnings),
            ", ".join(o.changed_files) or "-",
        )
    console.print(table)
    summary = _summary(outcomes)
    console.print(
        f"{summary['projects']} project(s): {summary['failed']} failing, "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s)"
        + (f", {summary['would_change']} to sync" if mode == "sync" else "")
    )
