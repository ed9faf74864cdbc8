"""SARIF 2.1.0: findings for code scanning (GitHub, GitLab, IDEs).

One run whose driver is accord, listing the rules its results use; each
finding is a result with its rule, level, message and location (a region
only when the finding has a line). The suggested fix is free text, not an
edit SARIF's ``fixes`` could apply, so it goes in the message and in the
result's ``properties``. A run that could not check a target (a fleet
project that is missing) is a failed tool-execution notification.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from accord import __version__
from accord.findings import Finding
from accord.report.ci import FindingSet
from accord.report.rule_catalog import describe

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json"
)


def render_sarif(command: str, sets: Sequence[FindingSet]) -> str:
    return json.dumps(sarif_log(command, sets), indent=2)


def sarif_log(command: str, sets: Sequence[FindingSet]) -> dict[str, object]:
    rule_ids = sorted({f.rule for s in sets for f in s.findings})
    index = {rule: position for position, rule in enumerate(rule_ids)}
    results = [
        _result(finding_set, finding, index[finding.rule], len(sets) > 1)
        for finding_set in sets
        for finding in finding_set.findings
    ]
    problems = [s for s in sets if s.problem is not None]
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "accord",
                "version": __version__,
                "rules": [
                    {
                        "id": rule,
                        "shortDescription": {"text": describe(rule)},
                    }
                    for rule in rule_ids
                ],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not problems,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": f"{s.name}: {s.problem}"},
                    }
                    for s in problems
                ],
            }
        ],
        "results": results,
        "properties": {"command": command},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _result(
    finding_set: FindingSet, finding: Finding, rule_index: int, named: bool
) -> dict[str, object]:
    finding = finding.shown()
    text = finding.message
    if finding.fix:
        text += f"\nfix: {finding.fix}"
    physical: dict[str, object] = {
        # A path's bytes as the file system has them (a name that is not
        # UTF-8 comes as surrogate escapes, which str.encode would refuse).
        "artifactLocation": {
            "uri": quote(
                finding_set.located(finding).encode("utf-8", "surrogateescape")
            )
        }
    }
    if finding.line is not None:
        physical["region"] = {"startLine": finding.line}
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": finding.severity,
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
    }
    properties: dict[str, object] = {}
    if finding.fix:
        properties["fix"] = finding.fix
    if named:
        properties["target"] = finding_set.name
    if properties:
        result["properties"] = properties
    return result
