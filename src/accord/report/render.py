"""Render findings for people (a table) and for machines (JSON).

The JSON shape is documented in the README and stable:
``{"command": ..., "findings": [{rule, severity, path, line, message, fix}],
"summary": {"errors": N, "warnings": N}}``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from accord.errors import shorten
from accord.findings import Finding
from accord.masking import mask_credentials

# Defined with who-uses's output, light to import: a who-uses answered from
# its cache imports nothing else of report.
from accord.report.users import JSON_SCHEMA_VERSION, shown

if TYPE_CHECKING:
    from accord.sync.plan import SyncPlan


def summarize(findings: Sequence[Finding]) -> dict[str, int]:
    errors = sum(1 for f in findings if f.severity == "error")
    return {"errors": errors, "warnings": len(findings) - errors}


def render_json(command: str, findings: Sequence[Finding], **extra: object) -> str:
    import json  # here: a table, the usual output, never needs it

    document: dict[str, object] = {
        "schema": JSON_SCHEMA_VERSION,
        "command": command,
        **extra,
        "findings": [f.as_dict() for f in findings],
        "summary": summarize(findings),
    }
    return mask_credentials(json.dumps(document, indent=2))


def render_table(
    findings: Sequence[Finding],
    stream: IO[str],
    title: str,
    base: Path | None = None,
    verdict: bool = True,
) -> None:
    """Findings as aligned columns, then the verdict line (unless not ``verdict``).

    ``base`` is the directory the findings' paths are relative to: they are
    shown as they open from the current directory.

    Plain text, not rich: importing rich cost more than the whole check.
    Off a terminal nothing is wrapped or coloured, so each finding stays on
    one line for grep; on a terminal the message column wraps to its width.
    """
    counts = summarize(findings)
    colour = _wants_colour(stream)
    out: list[str] = []
    if findings:
        # Once per file, not per finding: a file may carry thousands.
        shown_at = {f.path: f.path for f in findings}
        if base is not None:
            shown_at = {path: shown(base / path) for path in shown_at}
        columns: tuple[list[str], list[str], list[str]] = (
            [f.severity for f in findings],
            [f.rule for f in findings],
            [
                shown_at[f.path] if f.line is None else f"{shown_at[f.path]}:{f.line}"
                for f in findings
            ],
        )
        widths = [
            max(len(header), *map(len, set(column)))
            for header, column in zip(_COLUMNS, columns, strict=False)
        ]
        indent = sum(widths) + 2 * len(widths)
        wrap = _wrapper(stream, indent)
        header = (
            "  ".join(h.ljust(w) for h, w in zip(_COLUMNS[:3], widths, strict=True))
            + "  message"
        )
        out.append(_style(header, _BOLD, colour))
        # Each severity's cell once, styled and padded: a run may have
        # tens of thousands of rows.
        styled = {
            severity: _style(severity, _BOLD_RED if severity == "error" else _YELLOW,
                             colour) + " " * (widths[0] - len(severity) + 2)
            for severity in set(columns[0])
        }  # fmt: skip
        rule_width, where_width = widths[1] + 2, widths[2] + 2
        blank = " " * indent
        # A message or fix is laid out once however many findings share it.
        laid: dict[str, list[str]] = {}
        fixes: dict[str, list[str]] = {}
        for finding, severity, rule, where in zip(findings, *columns, strict=True):
            lines = laid.get(finding.message)
            if lines is None:
                message = shorten(finding.message)  # a name megabytes long
                lines = laid[finding.message] = [
                    *(wrap(message)[:1] or [""]),
                    *(blank + line for line in wrap(message)[1:]),
                ]
            out.append(
                styled[severity]
                + rule.ljust(rule_width)
                + where.ljust(where_width)
                + lines[0]
            )
            out.extend(lines[1:])
            if finding.fix:
                fix = fixes.get(finding.fix)
                if fix is None:
                    fix = fixes[finding.fix] = [
                        blank + (_style(line, _DIM, True) if colour else line)
                        for line in wrap(f"fix: {shorten(finding.fix)}")
                    ]
                out.extend(fix)
    status = (
        _style("failed", _BOLD_RED, colour)
        if counts["errors"]
        else _style("ok", _GREEN, colour)
    )
    if verdict:
        out.append(
            f"{title}: {status} — {counts['errors']} error(s), "
            f"{counts['warnings']} warning(s)"
        )
    if out:
        stream.write(mask_credentials("\n".join(out) + "\n"))


_COLUMNS = ("severity", "rule", "where", "message")
_BOLD, _DIM, _BOLD_RED, _YELLOW, _GREEN = "1", "2", "1;31", "33", "32"


def _wants_colour(stream: IO[str]) -> bool:
    # NO_COLOR: https://no-color.org, FORCE_COLOR: https://force-color.org;
    # Windows consoles need VT mode turned on.
    wanted = bool(os.environ.get("FORCE_COLOR")) or (
        stream.isatty() and os.environ.get("TERM") != "dumb"
    )
    return wanted and "NO_COLOR" not in os.environ and sys.platform != "win32"


def _style(text: str, code: str, colour: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if colour else text


def _wrapper(stream: IO[str], indent: int) -> Callable[[str], list[str]]:
    """Splits a message into the lines of the message column."""
    if not stream.isatty():
        return str.splitlines
    import shutil
    import textwrap

    width = max(shutil.get_terminal_size().columns - indent, 30)

    def wrap(text: str) -> list[str]:
        return [
            part
            for line in text.splitlines()
            for part in textwrap.wrap(
                line, width, break_on_hyphens=False, drop_whitespace=True
            )
            or [""]
        ]

    return wrap


def render_sync(
    plan: SyncPlan, output_format: str, project: Path, written: bool, diff: bool
) -> str:
    """What a sync changed (or would change), and what is still wrong."""
    if output_format == "json":
        import json

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
    shown_paths: dict[str, str] = {}  # a file may have thousands of lines

    def shown_in(path: str) -> str:
        if path not in shown_paths:
            shown_paths[path] = shown(project / path)
        return shown_paths[path]

    if plan.blocked and (plan.changes or plan.updates):  # a plan, nothing done
        out.append(
            "not written: a source could not be read (below); once it can be, "
            "sync would change:\n"
        )
    if diff:
        from accord.textdiff import unified_diff

        out.extend(
            unified_diff(update.path, update.old_text, update.new_text)
            for update in plan.updates
        )
    else:
        for change in plan.changes:
            new = "(removed)" if change.new is None else change.new
            where = f"{shown_in(change.path)}:{change.line}"
            if new != change.old:
                out.append(f"{where}: {change.old}  ->  {new}\n")
            if change.licence is not None:
                old_licence, new_licence = change.licence
                out.append(f"{where}: licence {old_licence}  ->  {new_licence}\n")
    for finding in map(Finding.shown, plan.findings):
        where = shown_in(finding.path)
        where = where if finding.line is None else f"{where}:{finding.line}"
        out.append(f"{where}: {finding.severity} {finding.rule} {finding.message}\n")
        if finding.fix:
            out.append(f"    fix: {finding.fix}\n")
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
