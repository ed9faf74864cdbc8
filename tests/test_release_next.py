"""accord release next: the next entry, at the branch head, versioned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.release.gitrepo import BaseRepos
from accord.release.validate import validate_change

from .release_world import World, make_world

BUMPS = [
    pytest.param("bugfix", "2026.1", "1.1.1", "s3", id="bugfix-on-stable"),
    pytest.param("feature", "2026.1", "1.2.0", "s3", id="feature"),
    pytest.param("major", "2026.1", "2.0.0", "s3", id="major"),
    pytest.param("rc", "2026.1", "1.2.0rc1", "s3", id="rc"),
    pytest.param("beta", "2026.1", "1.2.0b1", "s3", id="beta"),
]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.mark.parametrize(("bump", "series", "version", "head"), BUMPS)
def test_next_entry(
    world: World, bump: str, series: str, version: str, head: str
) -> None:
    args = ["release", "next", "acmelib", bump, "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 0
    text = world.deliverable(series).read_text()
    entry = f"  - version: {version}\n    projects:\n      - repo: org/acmelib\n"
    assert entry + f"        hash: {world.commits[head]}\n" in text
    assert text.index(entry) < text.index("branches:")  # inside releases


def test_the_entry_it_writes_validates(world: World) -> None:
    args = ["release", "next", "acmelib", "feature", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 0
    findings = validate_change(
        world.releases, "HEAD", BaseRepos(str(world.base), world.base)
    )
    assert findings == []


def test_diff_writes_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    before = world.deliverable().read_text()
    args = ["release", "next", "acmelib", "bugfix", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base), "--diff"]) == 0
    assert "+  - version: 1.1.1" in capsys.readouterr().out
    assert world.deliverable().read_text() == before


def test_unknown_deliverable(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["release", "next", "nope", "bugfix", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 2
    assert "no deliverable nope" in capsys.readouterr().err


def test_json_says_what_it_wrote(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["release", "next", "acmelib", "bugfix", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["command"] == "release next"
    assert report["version"] == "1.1.1"
    assert report["path"] == "deliverables/2026.1/acmelib.yaml"
    assert report["written"] is True
    assert report["projects"] == [
        {"repo": "org/acmelib", "hash": world.commits["s3"], "branch": "stable/2026.1"}
    ]
    assert "version: 1.1.1" in world.deliverable("2026.1").read_text()


def test_json_with_diff_writes_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    before = world.deliverable().read_text()
    args = ["release", "next", "acmelib", "bugfix", "--releases", str(world.releases)]
    argv = [*args, "--git-base", str(world.base), "--diff", "--format", "json"]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] is False
    assert "+  - version: 1.1.1" in report["diff"]
    assert world.deliverable().read_text() == before
