"""Finding: one result of a check, as every rule reports it.

Finding and the other records every ``accord check`` defines at start-up
(the lines, the central entries and pins, the project's sources, the
config, a judgement) are immutable NamedTuples rather than frozen
dataclasses: defining a frozen dataclass generates and compiles its methods
at import, about 4 M instructions each on CPython 3.11-3.13 against ~1 M for
a NamedTuple, and two dozen of them were a quarter of a check's run.

The modules defining those records do not postpone their annotations
(``from __future__ import annotations``, accord's habit elsewhere): a
NamedTuple's field annotated with a string is turned into a ForwardRef,
which CPython 3.11 compiles, ~50,000 instructions a field (6 M of a check).
Their annotations therefore name only what exists at run time; a name
imported for type checking alone is quoted.
"""

from collections.abc import Iterable
from typing import Literal, NamedTuple

from accord.errors import shorten

Severity = Literal["error", "warning"]


class Finding(NamedTuple):
    """One thing a rule found wrong, located at a file and a 1-based line.

    ``path`` is relative to the directory the command was pointed at (the
    requirements repo for ``validate``). ``line`` is ``None`` when the finding
    is about a file as a whole.
    """

    rule: str
    severity: Severity
    path: str
    line: int | None
    message: str
    fix: str | None = None

    def as_dict(self) -> dict[str, object]:
        fix = self.fix
        return {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "message": shorten(self.message),
            "fix": fix if fix is None else shorten(fix),
        }

    def shown(self) -> "Finding":
        """The finding as output shows it: a word of its message or fix
        longer than 200 characters (a name from a file, megabytes long)
        shortened, as :func:`accord.errors.shorten` does; itself if none."""
        message = shorten(self.message)
        fix = None if self.fix is None else shorten(self.fix)
        if message is self.message and fix is self.fix:
            return self
        return self._replace(message=message, fix=fix)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order findings by file, then line, then rule, so output is stable."""
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.rule, f.message))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
