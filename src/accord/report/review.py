"""Render a review as Markdown (to paste into a code review) or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from accord.rules.review import Criterion, Evidence, summarize

if TYPE_CHECKING:
    from accord.model.global_list import GlobalEntry
    from accord.review import NotReviewed, Review
    from accord.review_change import ChangeReport

_ICONS = {"pass": "pass", "warn": "WARN", "fail": "FAIL", "unknown": "unknown"}


def render_markdown(
    ev: Evidence, criteria: Sequence[Criterion], central: Sequence[GlobalEntry] = ()
) -> str:
    title = f"{ev.name} {ev.version}" if ev.version else ev.name
    summary = (ev.metadata.summary if ev.metadata else None) or ""
    lines = [f"### Review of `{title}`", ""]
    if summary:
        lines += [f"> {summary}", ""]
    for entry in central:
        lines += [
            f"Already in the global list: global-requirements.txt:{entry.lineno} "
            f"`{entry.line.text.strip()}`",
            "",
        ]
    lines += ["| criterion | verdict | detail |", "| --- | --- | --- |"]
    for c in criteria:
        detail = c.detail.replace("|", "\\|")
        lines.append(f"| {c.id} | {_ICONS[c.verdict]} | {detail} |")
    counts = summarize(criteria)
    lines += [
        "",
        ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n),
    ]
    evidence = [c for c in criteria if c.evidence]
    if evidence:
        lines += ["", "<details><summary>Evidence</summary>", ""]
        for c in evidence:
            facts = "; ".join(f"{k}: {v}" for k, v in c.evidence)
            lines.append(f"- **{c.id}**: {facts}")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def as_dict(ev: Evidence, criteria: Sequence[Criterion]) -> dict[str, object]:
    return {
        "package": ev.name,
        "version": None if ev.version is None else str(ev.version),
        "criteria": [
            {
                "id": c.id,
                "verdict": c.verdict,
                "detail": c.detail,
                "evidence": dict(c.evidence),
            }
            for c in criteria
        ],
        "summary": summarize(criteria),
    }


def review_dict(result: Review) -> dict[str, object]:
    """One review as the JSON report holds it (and ``reviews/NAME.json``)."""
    return {
        **as_dict(result.evidence, result.criteria),
        "central": [
            {
                "path": "global-requirements.txt",
                "line": e.lineno,
                "text": e.line.text.strip(),
            }
            for e in result.central
        ],
    }


def render_reviews_json(results: Sequence[Review | NotReviewed]) -> str:
    """One shape for any number of names: every review, then every name the
    index could not answer for."""
    from accord.review import Review

    reviews = [review_dict(r) for r in results if isinstance(r, Review)]
    unknown = [
        {"target": r.target, "message": r.message}
        for r in results
        if not isinstance(r, Review)
    ]
    document = {"schema": 1, "command": "review", "reviews": reviews}
    return json.dumps({**document, "unknown": unknown}, indent=2)


def render_reviews_markdown(results: Sequence[Review | NotReviewed]) -> str:
    from accord.review import Review

    parts = [
        render_markdown(r.evidence, r.criteria, r.central)
        for r in results
        if isinstance(r, Review)
    ]
    unknown = [r for r in results if not isinstance(r, Review)]
    if unknown:
        lines = ["### Not reviewed", ""]
        lines += [f"- `{r.target}`: {r.message}" for r in unknown]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def _rows(criteria: Sequence[Criterion]) -> list[dict[str, object]]:
    return [{"id": c.id, "verdict": c.verdict, "detail": c.detail} for c in criteria]


def render_change_json(report: ChangeReport) -> str:
    return json.dumps(
        {
            "schema": 1,
            "command": "review-change",
            "base": report.base_sha,
            "change": _rows(report.questions),
            "pins": _rows(report.pins),
            "libraries": [as_dict(ev, cs) for ev, cs in report.reviews],
        },
        indent=2,
    )


def render_change_markdown(report: ChangeReport) -> str:
    lines = [
        f"## Review of the change since {report.base} ({report.base_sha[:12]})",
        "",
    ]
    checks = [*report.questions, *report.pins]
    if checks:
        lines += ["| check | verdict | detail |", "| --- | --- | --- |"]
        lines += [
            f"| {c.id} | {_ICONS[c.verdict]} | {c.detail.replace('|', chr(92) + '|')} |"
            for c in checks
        ]
        lines.append("")
    if not (checks or report.reviews):
        lines.append("No change to the global list or the pins.")
    body = "\n".join(lines) + "\n"
    return body + "\n".join(render_markdown(ev, cs) for ev, cs in report.reviews)
