"""The CI formats: GitHub annotations, SARIF 2.1.0 and JUnit XML.

Each is read back the way its consumer reads it: workflow commands parsed
and unescaped, SARIF checked against the required structure of the 2.1.0
schema, JUnit parsed with ElementTree.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.cli import main
from accord.cli._options import FINDINGS_FORMATS
from accord.cli._parser import parse
from accord.findings import Finding
from accord.report.ci import FindingSet, render_ci, sync_findings
from accord.report.github import escape_data, escape_property
from accord.report.junit import render_junit
from accord.report.rule_catalog import RULES
from accord.report.sarif import sarif_log
from accord.sync.plan import Change

from .conftest import EXAMPLES, ROOT

REQUIREMENTS = str(EXAMPLES / "requirements")

FINDINGS = (
    Finding("C002", "error", "requirements.txt", 3, "leftpad is not listed", "add it"),
    Finding("C004", "warning", "doc/requirements.txt", 7, "a cap is missing"),
    Finding("C009", "warning", ".", None, "no requirement sources found"),
)

NASTY = Finding(
    "C001",
    "error",
    "odd, name: 100%.txt",
    1,
    "line 1\r\nline 2: 50% done, ::error::inject\x1b[31m\x00",
    "fix: it, now",
)

ESCAPES = [
    pytest.param("100%", "100%25", "100%25", id="percent"),
    pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="newlines"),
    pytest.param("a:b,c", "a:b,c", "a%3Ab%2Cc", id="colon-comma"),
    pytest.param("%0A", "%250A", "%250A", id="already-escaped-looking"),
]


@pytest.mark.parametrize(("text", "data", "prop"), ESCAPES)
def test_github_escaping_follows_the_actions_toolkit(
    text: str, data: str, prop: str
) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


_COMMAND = re.compile(r"^::(?P<level>error|warning) (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(text: str) -> str:
    for escaped, plain in (
        ("%0D", "\r"),
        ("%0A", "\n"),
        ("%3A", ":"),
        ("%2C", ","),
        ("%25", "%"),
    ):
        text = text.replace(escaped, plain)
    return text


def parse_annotations(output: str) -> list[dict[str, str]]:
    """Workflow commands as the runner reads them (other lines are log).

    The runner reads lines as .NET's ReadLine does: split at CR, LF, CRLF
    only (not at the other breaks str.splitlines knows)."""
    annotations = []
    for line in re.split(r"\r\n|\r|\n", output):
        match = _COMMAND.match(line)
        if match is None:
            assert not line.startswith("::"), line
            continue
        fields = {"level": match["level"], "message": _unescape(match["message"])}
        for pair in match["props"].split(","):
            key, _, value = pair.partition("=")
            fields[key] = _unescape(value)
        annotations.append(fields)
    return annotations


def test_github_annotations_parse_back_to_the_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    project = tmp_path / "services" / "demo"
    output = render_ci("github", "check", [FindingSet("check demo", FINDINGS, project)])
    assert parse_annotations(output) == [
        {
            "level": "error",
            "file": "services/demo/requirements.txt",
            "line": "3",
            "title": "C002",
            "message": "leftpad is not listed\nfix: add it",
        },
        {
            "level": "warning",
            "file": "services/demo/doc/requirements.txt",
            "line": "7",
            "title": "C004",
            "message": "a cap is missing",
        },
        {  # a finding about the whole project has no file or line
            "level": "warning",
            "title": "C009",
            "message": "no requirement sources found",
        },
    ]
    assert output.splitlines()[-1] == ("check demo: failed — 1 error(s), 2 warning(s)")


def test_github_escapes_what_would_break_a_command(tmp_path: Path) -> None:
    output = render_ci("github", "check", [FindingSet("check x", (NASTY,))])
    # CR and LF are escaped: the message cannot start a line (a command) itself
    (line, _verdict) = output.split("\n")
    assert line.startswith("::error file=odd%2C name%3A 100%25.txt,line=1,")
    (annotation,) = parse_annotations(output)
    assert annotation["file"] == NASTY.path
    assert annotation["message"] == f"{NASTY.message}\nfix: {NASTY.fix}"


# The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that
# accord's output uses: required properties, types, enums and minimums
# (objects are closed to other properties by _closed below).
_MESSAGE = {
    "type": "object",
    "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
    "properties": {"text": {"type": "string"}, "id": {"type": "string"}},
}
_ARTIFACT = {
    "type": "object",
    "properties": {"uri": {"type": "string", "format": "uri-reference"}},
}
_MULTIFORMAT = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string"}},
}
SARIF_SUBSET = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "properties": {"type": "object"},  # a property bag
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {
                                        "type": "string",
                                        "format": "uri",
                                    },
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": _MULTIFORMAT,
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "properties": {
                                "executionSuccessful": {"type": "boolean"},
                                "toolExecutionNotifications": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["message"],
                                        "properties": {
                                            "message": _MESSAGE,
                                            "level": {
                                                "enum": [
                                                    "none",
                                                    "note",
                                                    "warning",
                                                    "error",
                                                ]
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "results": {
                        "type": ["array", "null"],
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "anyOf": [
                                                    {"required": ["address"]},
                                                    {"required": ["artifactLocation"]},
                                                ],
                                                "properties": {
                                                    "artifactLocation": _ARTIFACT,
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                                "properties": {"type": "object"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def _closed(schema: object) -> object:
    """The schema with every object that lists its properties closed to
    others, as the 2.1.0 schema closes all but property bags: a misspelt
    key fails here."""
    if not isinstance(schema, dict):
        return schema
    closed: dict[str, object] = {}
    for key, value in schema.items():
        if key == "properties" and isinstance(value, dict):
            closed[key] = {name: _closed(sub) for name, sub in value.items()}
        elif key == "items":
            closed[key] = _closed(value)
        else:
            closed[key] = value
    if "properties" in schema:
        closed.setdefault("additionalProperties", False)
    return closed


def assert_valid_sarif(log: dict[str, object]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(log, _closed(SARIF_SUBSET))
    (run,) = log["runs"]  # type: ignore[misc]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        # ruleIndex, when present, points at the rule of ruleId (spec 3.27.6)
        assert rules[result["ruleIndex"]] == result["ruleId"]


def test_sarif_has_the_required_structure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log = sarif_log("check", [FindingSet("check demo", (*FINDINGS, NASTY), tmp_path)])
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    assert "sarif-schema-2.1.0" in str(log["$schema"])
    (run,) = log["runs"]  # type: ignore[misc]
    assert run["tool"]["driver"]["name"] == "accord"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["C001", "C002", "C004", "C009"]
    assert rules[1]["shortDescription"]["text"] == RULES["C002"]
    first = run["results"][0]  # in the order given (the caller sorts)
    assert first["ruleId"] == "C002"
    assert first["level"] == "error"
    assert first["message"]["text"] == "leftpad is not listed\nfix: add it"
    assert first["properties"] == {"fix": "add it"}
    location = first["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "requirements.txt"},
        "region": {"startLine": 3},
    }
    whole_file = run["results"][2]["locations"][0]["physicalLocation"]
    assert "region" not in whole_file
    jsonschema = pytest.importorskip("jsonschema")
    first["rule_id"] = "C002"  # a key the spec does not have fails validation
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_sarif(log)
    del first["rule_id"]
    odd = run["results"][3]["locations"][0]["physicalLocation"]
    assert odd["artifactLocation"]["uri"] == "odd%2C%20name%3A%20100%25.txt"


def test_sarif_reports_a_target_that_could_not_run() -> None:
    sets = [
        FindingSet("fleet check a", FINDINGS[:1]),
        FindingSet("fleet check b", (), problem="missing: no directory at b"),
    ]
    log = sarif_log("fleet check", sets)
    assert_valid_sarif(log)
    (invocation,) = log["runs"][0]["invocations"]  # type: ignore[index]
    assert invocation["executionSuccessful"] is False
    notification = invocation["toolExecutionNotifications"][0]
    assert notification["message"]["text"] == (
        "fleet check b: missing: no directory at b"
    )
    (result,) = log["runs"][0]["results"]  # type: ignore[index]
    assert result["properties"]["target"] == "fleet check a"


def test_junit_parses_with_one_testcase_per_finding() -> None:
    sets = [
        FindingSet("check demo", (*FINDINGS, NASTY)),
        FindingSet("check clean", ()),
        FindingSet("check gone", (), problem="missing: no directory"),
    ]
    root = ET.fromstring(render_junit("check", sets).encode())
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == (
        "6",
        "2",
        "1",
    )
    demo, clean, gone = root.findall("testsuite")
    assert demo.get("name") == "check demo"
    cases = demo.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "C002 requirements.txt:3",
        "C004 doc/requirements.txt:7",
        "C009 .",
        "C001 odd, name: 100%.txt:1",
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "C002"
    assert failure.text == "leftpad is not listed\nfix: add it"
    assert cases[0].get("file") == "requirements.txt"
    assert cases[1].find("failure") is None  # a warning passes
    assert "a cap is missing" in (cases[1].findtext("system-out") or "")
    nasty = cases[3].find("failure")
    assert nasty is not None
    assert nasty.text is not None
    assert "\\x1b[31m\\x00" in nasty.text  # control characters XML cannot carry
    (passed,) = clean.findall("testcase")
    assert passed.get("name") == "check clean" and len(passed) == 0
    (broken,) = gone.findall("testcase")
    assert broken.find("error") is not None and gone.get("errors") == "1"


def test_every_rule_has_a_description() -> None:
    """The README's rule tables and the code name no rule the catalog lacks."""
    readme = (ROOT / "README.md").read_text()
    in_readme = set(re.findall(r"^\| ([GCVKLSAR]\d{3}) \|", readme, re.M))
    in_readme |= set(re.findall(r"\b([VKLS]\d{3})\b", readme))
    in_code = {
        rule
        for path in (ROOT / "src" / "accord").rglob("*.py")
        for rule in re.findall(r'"([GCVKLSAR]\d{3})"', path.read_text())
    }
    assert in_readme <= RULES.keys()
    assert in_code <= RULES.keys()


# Every command that reports findings, on the example fleet.
COMMANDS = [
    pytest.param(["check", "examples/legacy-reports"], 1, id="check"),
    pytest.param(["check", "examples/billing"], 0, id="check-clean"),
    pytest.param(["validate", "examples/requirements"], 0, id="validate"),
    pytest.param(["sync", "examples/legacy-reports", "--check"], 1, id="sync"),
    pytest.param(["fleet", "check", "--jobs", "1"], 1, id="fleet-check"),
    pytest.param(["fleet", "sync", "--diff", "--jobs", "1"], 1, id="fleet-sync"),
]


@pytest.mark.parametrize("output_format", ["github", "sarif", "junit"])
@pytest.mark.parametrize(("argv", "status"), COMMANDS)
def test_every_findings_command_speaks_every_ci_format(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    status: int,
    output_format: str,
) -> None:
    monkeypatch.chdir(ROOT)
    assert (
        main(
            [
                *argv,
                "--requirements",
                "examples/requirements",
                "--format",
                output_format,
            ]
        )
        == status
    )
    out = capsys.readouterr().out
    if output_format == "github":
        annotations = parse_annotations(out)
        errors = [a for a in annotations if a["level"] == "error"]
        assert bool(errors) == (status == 1)
        for annotation in annotations:
            # relative to the checkout, so they land on the PR's lines
            assert (ROOT / annotation["file"]).is_file(), annotation
    elif output_format == "sarif":
        log = json.loads(out)
        assert_valid_sarif(log)
        for result in log["runs"][0]["results"]:
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert (ROOT / uri).exists(), uri
    else:
        suites = ET.fromstring(out.encode())
        assert (suites.get("failures") != "0") == (status == 1)


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["constraints", "verify"], id="verify"),
        pytest.param(["coinstall"], id="coinstall"),
        pytest.param(["lower-bounds", "p"], id="lower-bounds"),
        pytest.param(["fleet", "sync"], id="fleet-sync"),
    ],
)
@pytest.mark.parametrize("output_format", FINDINGS_FORMATS)
def test_resolving_commands_accept_the_ci_formats(
    argv: list[str], output_format: str
) -> None:
    assert parse([*argv, "--format", output_format]).output_format == output_format


@pytest.mark.parametrize("argv", [["who-uses", "x"], ["constraints", "generate"]])
def test_commands_without_findings_do_not_offer_them(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse([*argv, "--format", "sarif"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_sync_changes_become_findings_at_their_lines() -> None:
    changes = [
        Change("requirements.txt", 2, "a>=1,<2", "a>=1"),
        Change("requirements.txt", 3, "b>=1", None),
        Change("doc/requirements.txt", 1, "c>=1", "c>=1", ("BSD", "BSD-3-Clause")),
    ]
    would = sync_findings(changes, written=False, check_only=True)
    assert [(f.rule, f.severity, f.path, f.line, f.message) for f in would] == [
        ("S001", "error", "requirements.txt", 2, "sync would rewrite a>=1,<2 as a>=1"),
        ("S001", "error", "requirements.txt", 3, "sync would remove b>=1"),
        (
            "S001",
            "error",
            "doc/requirements.txt",
            1,
            "sync would rewrite licence BSD as BSD-3-Clause",
        ),
    ]
    assert all(f.fix for f in would)
    done = sync_findings(changes, written=True, check_only=False)
    assert {f.severity for f in done} == {"warning"}
    assert done[0].message == "sync rewrote a>=1,<2 as a>=1" and done[0].fix is None


_FINDINGS = st.builds(
    Finding,
    rule=st.sampled_from(["C001", "G008", "S001", "X999"]),
    severity=st.sampled_from(["error", "warning"]),
    path=st.one_of(st.just("."), st.text(min_size=1, max_size=30)),
    line=st.one_of(st.none(), st.integers(min_value=1, max_value=10**6)),
    message=st.text(max_size=80),
    fix=st.one_of(st.none(), st.text(max_size=40)),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_FINDINGS, max_size=8))
def test_any_finding_renders_in_every_format(findings: list[Finding]) -> None:
    sets = [FindingSet("check any", tuple(findings))]
    lines = re.split(r"\r\n|\r|\n", render_ci("github", "check", sets))
    assert len(lines) == len(findings) + 1  # nothing the message holds breaks a line
    assert parse_annotations("\n".join(lines[:-1])) == [
        {
            "level": f.severity,
            **({} if f.path in ("", ".") else {"file": f.path}),
            **({} if f.line is None else {"line": str(f.line)}),
            "title": f.rule,
            "message": f.message + (f"\nfix: {f.fix}" if f.fix else ""),
        }
        for f in findings
    ]
    assert_valid_sarif(json.loads(render_ci("sarif", "check", sets)))
    suites = ET.fromstring(render_ci("junit", "check", sets).encode())
    assert suites.get("tests") == str(max(1, len(findings)))


def test_a_path_that_is_not_utf8_is_percent_encoded_in_sarif(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A directory named with a byte that is not UTF-8 (Linux allows it):
    the SARIF uri carries the byte, as it does every other character."""
    import os
    import shutil

    name = os.fsdecode(b"leg\xffacy")
    try:
        shutil.copytree(EXAMPLES / "legacy-reports", tmp_path / name)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system wants UTF-8 names")
    requirements = str(EXAMPLES / "requirements")
    argv = ["check", str(tmp_path / name), "--requirements", requirements]
    assert main([*argv, "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert any("leg%FFacy/requirements.txt" in uri for uri in uris), uris
