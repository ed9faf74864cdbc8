"""The JSON of release tag, branch, build, publish and run has the keys the
README's table documents (and its statuses are among those listed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import ROOT
from .pypiserver_fixture import pypiserver
from .release_world import World, make_world

__all__ = ["pypiserver"]

TOP = {"schema", "command", "ok", "results"}
FINDING = {"rule", "severity", "path", "line", "message", "fix"}


def _without_asides(text: str) -> str:
    """``text`` with every (parenthesised aside) taken out, nested ones too."""
    while True:
        shorter = re.sub(r"\([^()]*\)", "", text)
        if shorter == text:
            return text
        text = shorter


def documented() -> dict[str, tuple[set[str], set[str]]]:
    """Command to (a result's keys, its statuses), from the README's table."""
    readme = (ROOT / "README.md").read_text()
    assert '`{"schema": 1, "command": "release tag", "ok", "results":' in readme
    table: dict[str, tuple[set[str], set[str]]] = {}
    for row in re.findall(r"^\| `(release \w+)` \|(.*)\|$", readme, re.M):
        command, cells = row
        keys, statuses = (_without_asides(c) for c in cells.split(" | "))
        listed = set(re.findall(r"`([^`]+)`", statuses))
        if listed == {"release tag"}:  # "as `release tag`"
            listed = table["release tag"][1]
        table[command] = (set(re.findall(r"`([^`]+)`", keys)), listed)
    return table


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    status = main([*args, "--format", "json"])
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    assert document["ok"] is (status == 0)
    return document


def _check(command: str, document: dict[str, object], top: set[str] = TOP) -> None:
    keys, statuses = documented()[command]
    assert set(document) == top
    assert document["schema"] == 1 and document["command"] == command
    results = document["results"]
    assert isinstance(results, list) and results
    for result in results:
        assert set(result) == keys, command
        assert result["status"] in statuses, command


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    world.request("2026.1", ("1.1.1", "s1"))
    world.commit_releases("release acmelib 1.1.1")
    return world


def test_the_documented_table_covers_each_command() -> None:
    assert set(documented()) == {
        "release tag", "release branch", "release build",
        "release publish", "release run",
    }  # fmt: skip


def test_each_step_emits_the_documented_keys(
    world: World, tmp_path: Path, pypiserver: str, capsys: pytest.CaptureFixture[str]
) -> None:
    releases, base = str(world.releases), ["--git-base", str(world.base)]
    _check("release tag", _json(capsys, "release", "tag", releases, *base))
    # The branch exists elsewhere already: refused, a row all the same.
    _check("release branch", _json(capsys, "release", "branch", releases, *base))
    dist = str(tmp_path / "dist")
    build = ["release", "build", "org/acmelib", "1.1.1", *base, "--out", dist]
    _check("release build", _json(capsys, *build, "--no-index"))
    publish = ["release", "publish", dist, "--index", pypiserver]
    _check("release publish", _json(capsys, *publish))
    run = ["release", "run", releases, "--base", "HEAD~1", *base, "--out", dist]
    document = _json(capsys, *run, "--no-index", "--index", pypiserver)
    _check("release run", document, TOP | {"findings"})
    assert document["findings"] == []


def test_a_failed_validate_in_run_carries_its_findings(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world.request("2026.1", ("1.1.03", "s2"))  # not canonical
    run = ["release", "run", str(world.releases), "--base", "HEAD"]
    document = _json(capsys, *run, "--git-base", str(world.base))
    _check("release run", document, TOP | {"findings"})
    findings = document["findings"]
    assert isinstance(findings, list) and findings
    assert all(set(f) == FINDING for f in findings)
