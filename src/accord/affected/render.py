"""`accord affected` as a table, JSON, a GitHub matrix or a GitLab child pipeline."""

from __future__ import annotations

import json
from collections.abc import Sequence

from accord.affected.find import AffectedReport
from accord.errors import InputError

# GitHub Actions runs at most 256 jobs from one matrix; GitLab at most 200
# from one parallel:matrix.
GITHUB_MAX_JOBS = 256
GITLAB_MAX_JOBS = 200


def jobs(report: AffectedReport) -> list[tuple[str, str]]:
    """(project, python) for every affected project on every Python."""
    return [
        (affected.project, python)
        for affected in report.projects
        for python in affected.pythons
    ]


def render_table(report: AffectedReport) -> str:
    lines = [f"affected by the change since {report.base} ({report.base_sha[:12]}):"]
    if not report.changes:
        lines.append("  nothing moved")
    moved: dict[tuple[str, str], list[str]] = {}
    for change in report.changes:
        moved.setdefault((change.name, change.summary), []).append(change.python)
    for (name, summary), pythons in moved.items():
        lines.append(f"  {name} {summary} (Python {', '.join(pythons)})")
    lines.append("")
    for affected in report.projects:
        lines.append(f"{affected.project} (Python {', '.join(affected.pythons)})")
        paths: dict[str, list[str]] = {}
        for reach in affected.reaches:
            paths.setdefault(reach.text, []).append(reach.python)
        for text, pythons in paths.items():
            lines.append(f"  {text}  [{', '.join(pythons)}]")
    for unread in report.unread:
        lines.append(f"{unread.project}: not read: {unread.reason}")
    count = len(report.projects)
    lines.append(f"{count} project(s) affected, {len(jobs(report))} job(s)")
    return "\n".join(lines)


def render_json(report: AffectedReport) -> str:
    return json.dumps(
        {
            "schema": 1,
            "command": "affected",
            "base": report.base,
            "base_sha": report.base_sha,
            "changes": [
                {
                    "name": c.name,
                    "python": c.python,
                    "reason": c.reason,
                    "old": c.old,
                    "new": c.new,
                }
                for c in report.changes
            ],
            "projects": [
                {
                    "project": a.project,
                    "pythons": list(a.pythons),
                    "paths": [
                        {
                            "python": r.python,
                            "library": r.change.name,
                            "path": list(r.path),
                        }
                        for r in a.reaches
                    ],
                }
                for a in report.projects
            ],
            "unread": [
                {"project": u.project, "reason": u.reason} for u in report.unread
            ],
        },
        indent=2,
    )


def chunked(items: Sequence[tuple[str, str]], size: int) -> list[list[tuple[str, str]]]:
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def render_github_matrix(report: AffectedReport, chunk: int | None) -> str:
    """One ``{"include": [...]}`` for ``strategy.matrix``; over 256 jobs, a
    list of them, or the ``chunk``-th (1-based) alone."""
    matrices = [
        {"include": [{"project": p, "python": v} for p, v in part]}
        for part in chunked(jobs(report), GITHUB_MAX_JOBS)
    ] or [{"include": []}]
    if chunk is not None:
        if chunk > len(matrices):
            raise InputError(
                f"--chunk {chunk}: there are only {len(matrices)} chunk(s)"
            )
        return json.dumps(matrices[chunk - 1])
    if len(matrices) == 1:
        return json.dumps(matrices[0])
    return json.dumps(matrices)


def render_gitlab(report: AffectedReport, base: str | None) -> str:
    """A child pipeline: one cross-test job per chunk of at most 200 jobs, each
    a ``parallel:matrix`` of projects and their Pythons."""
    if not report.projects:
        return (
            "nothing-affected:\n"
            "  script:\n"
            f"    - {json.dumps('echo no project is affected')}\n"
        )
    entries: list[tuple[str, tuple[str, ...]]] = [
        (a.project, a.pythons) for a in report.projects
    ]
    groups: list[list[tuple[str, tuple[str, ...]]]] = [[]]
    size = 0
    for project, pythons in entries:
        if size + len(pythons) > GITLAB_MAX_JOBS and groups[-1]:
            groups.append([])
            size = 0
        groups[-1].append((project, pythons))
        size += len(pythons)
    command = 'accord cross-test "$PROJECT"'
    if base is not None:
        command += f" --base {json.dumps(base)}"
    out: list[str] = []
    for number, group in enumerate(groups, 1):
        name = "cross-test" if len(groups) == 1 else f"cross-test-{number}"
        out += [
            f"{name}:",
            '  image: "python:$PYTHON"',
            "  script:",
            '    - python -m pip install "accord-requirements"',
            f"    - {json.dumps(command)}",
            "  parallel:",
            "    matrix:",
        ]
        for project, pythons in group:
            out.append(f"      - PROJECT: {json.dumps(project)}")
            out.append(f"        PYTHON: {json.dumps(list(pythons))}")
    return "\n".join(out) + "\n"
