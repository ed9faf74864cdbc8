"""GitHub Actions workflow commands: one annotation per finding.

``::error file=PATH,line=N,title=RULE::message`` (``::warning`` for a
warning) lands on the pull request's line when PATH is relative to the
checkout. Escaping follows the Actions toolkit (``@actions/core``
``command.ts``): in the message ``%``, CR and LF become ``%25``, ``%0D``,
``%0A``; in a property value ``:`` and ``,`` also become ``%3A`` and ``%2C``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from accord.findings import Finding
from accord.report.ci import FindingSet

_DATA = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY = str.maketrans(
    {"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"}
)


def escape_data(text: str) -> str:
    return text.translate(_DATA)


def escape_property(text: str) -> str:
    return text.translate(_PROPERTY)


def render_github(sets: Sequence[FindingSet]) -> str:
    """Annotations, then one plain verdict line per set (for the log)."""
    return "\n".join(_lines(sets))


def _lines(sets: Sequence[FindingSet]) -> Iterator[str]:
    for finding_set in sets:
        if finding_set.problem is not None:
            yield _command(
                "error",
                {"title": "accord"},
                f"{finding_set.name}: {finding_set.problem}",
            )
        for finding in map(Finding.shown, finding_set.findings):
            properties = {}
            if finding.path not in ("", "."):  # the whole project: no file to mark
                properties["file"] = finding_set.located(finding)
            if finding.line is not None:
                properties["line"] = str(finding.line)
            properties["title"] = finding.rule
            message = finding.message
            if finding.fix:
                message += f"\nfix: {finding.fix}"
            yield _command(finding.severity, properties, message)
    for finding_set in sets:
        errors = sum(1 for f in finding_set.findings if f.severity == "error")
        warnings = len(finding_set.findings) - errors
        failed = errors or finding_set.problem is not None
        verdict = "failed" if failed else "ok"
        yield (
            f"{finding_set.name}: {verdict} — {errors} error(s), {warnings} warning(s)"
        )


def _command(name: str, properties: dict[str, str], message: str) -> str:
    listed = ",".join(
        f"{key}={escape_property(value)}" for key, value in properties.items()
    )
    return f"::{name} {listed}::{escape_data(message)}"
