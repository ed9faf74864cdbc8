"""``accord site --audit FILE``: the findings of an ``accord audit --format
json`` run, per library for the global list and the library pages.

The document is read as the audit wrote it (its stable findings shape);
which library a finding is about is the audit's own
:func:`accord.audit.checks.library_of`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import NormalizedName

from accord.errors import InputError
from accord.files import read_text
from accord.findings import Finding, sort_findings


@dataclass(frozen=True, slots=True)
class AuditFindings:
    by_library: Mapping[NormalizedName, tuple[Finding, ...]] = field(
        default_factory=dict
    )
    other: tuple[Finding, ...] = ()  # about the run, or a library not listed

    def summary(self, name: NormalizedName) -> tuple[int, int]:
        """(errors, warnings) about ``name``."""
        found = self.by_library.get(name, ())
        errors = sum(1 for f in found if f.severity == "error")
        return errors, len(found) - errors


def read_audit(path: Path) -> tuple[Finding, ...]:
    """The findings of an ``accord audit --format json`` document."""
    # A regular file only, of bounded size (a FIFO or /dev/zero is an
    # error, not a hang); the InputError names the file.
    text = read_text(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not JSON: {error}", path=str(path), line=error.lineno
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", path=str(path)) from None
    if not isinstance(document, dict) or document.get("command") != "audit":
        raise InputError(
            "not the output of `accord audit --format json`", path=str(path)
        )
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise InputError("its findings are not a list", path=str(path))
    return tuple(
        _finding(item, position, path) for position, item in enumerate(findings)
    )


def audit_view(
    findings: Sequence[Finding], listed: Collection[NormalizedName]
) -> AuditFindings:
    """The findings by the library they are about (one of ``listed``)."""
    from accord.audit.checks import library_of

    by_library: dict[NormalizedName, list[Finding]] = {}
    other: list[Finding] = []
    for finding in sort_findings(findings):
        name = library_of(finding)
        if name is not None and name in listed:
            by_library.setdefault(name, []).append(finding)
        else:
            other.append(finding)
    return AuditFindings(
        {name: tuple(found) for name, found in by_library.items()}, tuple(other)
    )


def _finding(item: Any, position: int, path: Path) -> Finding:
    def bad(what: str) -> InputError:
        return InputError(f"finding {position + 1}: {what}", path=str(path))

    if not isinstance(item, dict):
        raise bad("not an object")
    rule, severity, where = item.get("rule"), item.get("severity"), item.get("path")
    line, message, fix = item.get("line"), item.get("message"), item.get("fix")
    if not isinstance(rule, str) or not isinstance(message, str):
        raise bad("no rule or message")
    if severity not in ("error", "warning"):
        raise bad(f"severity {severity!r} is neither error nor warning")
    if not isinstance(where, str):
        raise bad("no path")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool)):
        raise bad("its line is not a number")
    if fix is not None and not isinstance(fix, str):
        raise bad("its fix is not text")
    return Finding(rule, severity, where, line, message, fix)
