"""Render the result of `accord constraints generate`."""

from __future__ import annotations

import json

from accord.report.users import JSON_SCHEMA_VERSION
from accord.resolve.generate import Generated, describe_changes
from accord.textdiff import unified_diff


def render_generated(
    result: Generated,
    output_format: str,
    old_text: str,
    written: str | None,
    diff: bool,
    command: str = "constraints generate",
) -> str:
    if output_format == "json":
        return json.dumps(
            {
                "schema": JSON_SCHEMA_VERSION,
                "command": command,
                "written": written,
                "changes": [
                    {
                        "name": c.name,
                        "python": c.python,
                        "old": None if c.old is None else str(c.old),
                        "new": None if c.new is None else str(c.new),
                    }
                    for c in result.changes
                ],
                "holds": [
                    {
                        "name": h.name,
                        "specifier": str(h.specifier),
                        "reason": h.reason,
                        "link": h.link,
                        "expires": None if h.expires is None else h.expires.isoformat(),
                    }
                    for h in result.holds
                ],
                "failures": [
                    {
                        "pythons": list(f.pythons),
                        "package": f.package,
                        "reason": f.reason,
                        "path": f.path,
                        "line": f.line,
                    }
                    for f in result.failures
                ],
                "notes": list(result.notes),
                "pins": len(result.lines),
            },
            indent=2,
        )
    out: list[str] = []
    if diff and result.text is not None:
        diff_text = unified_diff("upper-constraints.txt", old_text, result.text)
        out.extend(diff_text.splitlines())
    else:
        out.extend(describe_changes(result.changes))
    # (A failure names the holds it blames, with their lines and reasons.)
    for hold in () if result.failures else result.holds:
        link = f" {hold.link}" if hold.link else ""
        out.append(f"held: {hold.name}{hold.specifier} ({hold.reason}){link}")
    out.extend(result.notes)
    for failure in result.failures:
        out.append(f"failed {failure.describe(result.pythons)}")
    counts = f"{len(result.lines)} pins, {len(result.changes)} change(s)"
    if result.failures:
        out.append("nothing was written")
    elif written:
        out.append(f"wrote {written}: {counts}")
    elif not diff:
        out.append(counts)
    return "\n".join(out)
