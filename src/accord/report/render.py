"""Render findings for people (a table) and for machines (JSON).

The JSON shape is documented in the README and stable:
``{"command": ..., "findings": [{rule, severity, path, line, message, fix}],
"summary": {"errors": N, "warnings": N}}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from accord.findings import Finding

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

    console = Console(file=stream, highlight=False, soft_wrap=False)
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
