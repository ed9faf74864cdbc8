"""``accord audit``: the pinned set under watch.

Known vulnerabilities (OSV, PyPI's JSON API as a fallback), PEP 792 project
status, yanked pins, licence drift and unmaintained libraries, for every pin
of the requirements repo (or of its branches). ``model`` holds the facts,
``osv`` and ``index`` gather them, ``checks`` turns them into findings
(pure), ``run`` puts it together.
"""

from __future__ import annotations

from accord.audit.run import AuditReport, Plan, audit, plan_audit

__all__ = ["AuditReport", "Plan", "audit", "plan_audit"]


def __dir__() -> list[str]:
    return __all__
