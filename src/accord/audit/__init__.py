"""``accord audit``: the pinned set under watch.

Known vulnerabilities (OSV, PyPI's JSON API as a fallback), PEP 792 project
status, yanked pins, licence drift and unmaintained libraries, for every pin
of the requirements repo (or of its branches), and the admission review's
questions asked again of each reviewed library. ``model`` holds the facts,
``osv`` and ``status`` gather them, ``checks`` and ``admission`` turn them
into findings (pure), ``run`` puts it together.
"""

from __future__ import annotations

from accord.audit.run import AuditReport, Plan, audit, plan_audit

__all__ = ["AuditReport", "Plan", "audit", "plan_audit"]


def __dir__() -> list[str]:
    return __all__
