"""JUnit XML: findings as test results, for CI test-report views.

``<testsuites>`` holds one ``<testsuite>`` per finding set (the command, or
each project of a fleet). Each finding is a ``<testcase>`` named by its rule
and place, with ``classname`` and ``file`` the finding's path so reports
group by file; an error carries a ``<failure>``, a warning passes with its
message in ``<system-out>``. A set with no findings has one passing
testcase, so an empty suite never reads as "no tests ran". A set that could
not run at all (a missing fleet project) has a testcase with an ``<error>``.

Built with ElementTree; characters XML 1.0 cannot carry (control
characters from a garbled input line) are written as ``\\xNN``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from accord.findings import Finding
from accord.report.ci import FindingSet

# What XML 1.0 allows: tab, LF, CR, and everything from space up, bar
# surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def render_junit(command: str, sets: Sequence[FindingSet]) -> str:
    suites = ET.Element("testsuites", name=xml_safe(f"accord {command}"))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for finding_set in sets:
        suite = _suite(finding_set)
        suites.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def _suite(finding_set: FindingSet) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_safe(finding_set.name))
    failures = errors = 0
    if finding_set.problem is not None:
        case = ET.SubElement(
            suite, "testcase", classname="accord", name=xml_safe(finding_set.name)
        )
        error = ET.SubElement(case, "error", message=xml_safe(finding_set.problem))
        error.text = xml_safe(finding_set.problem)
        errors += 1
    for finding in finding_set.findings:
        suite.append(_case(finding_set, finding))
        failures += finding.severity == "error"
    if len(suite) == 0:
        ET.SubElement(
            suite, "testcase", classname="accord", name=xml_safe(finding_set.name)
        )
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return suite


def _case(finding_set: FindingSet, finding: Finding) -> ET.Element:
    finding = finding.shown()
    path = finding_set.located(finding)
    where = path if finding.line is None else f"{path}:{finding.line}"
    case = ET.Element(
        "testcase",
        classname=xml_safe(path),
        name=xml_safe(f"{finding.rule} {where}"),
        file=xml_safe(path),
    )
    if finding.line is not None:
        case.set("line", str(finding.line))
    text = (
        finding.message if not finding.fix else f"{finding.message}\nfix: {finding.fix}"
    )
    if finding.severity == "error":
        failure = ET.SubElement(
            case, "failure", message=xml_safe(finding.message), type=finding.rule
        )
        failure.text = xml_safe(text)
    else:
        out = ET.SubElement(case, "system-out")
        out.text = xml_safe(f"warning {finding.rule}: {text}")
    return case
