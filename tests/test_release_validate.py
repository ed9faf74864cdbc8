"""accord release validate: planted bad requests, each found at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.release._yaml import parse_deliverable
from accord.release.gitrepo import BaseRepos
from accord.release.validate import validate_change

from .release_world import HEADER, World, git, make_world, release_entry

# (entries appended to 2026.1 as (version, commit), expected (rule, line) set)
# The base file ends at line 16; the first appended entry's version is line 17,
# its hash line 20; a second entry's version 21, hash 24.
PLANTED = [
    pytest.param([("1.1.1", "s1")], set(), id="good-bugfix"),
    pytest.param([("1.1.3", "s1")], {("R004", 17)}, id="skipped-version"),
    pytest.param([("1.1.1", "c2")], {("R006", 20)}, id="hash-not-on-branch"),
    pytest.param(
        [("1.1.2", "s2")], {("R004", 17), ("R014", 17)}, id="adds-requirement"
    ),
    pytest.param([("1.1.1", "s3")], {("R014", 17)}, id="raises-minimum"),
    pytest.param([("1.1.01", "s1")], {("R002", 17)}, id="not-canonical"),
    pytest.param([("1.0.5", "s1")], {("R003", 17)}, id="not-greater"),
    pytest.param([("1.1.1", "f" * 40)], {("R005", 20)}, id="no-such-commit"),
    pytest.param(
        [("1.2.0rc1", "s1"), ("1.2.0", "s3")],
        {("R012", 24)},
        id="final-is-not-the-rc",
    ),
    pytest.param(
        [("1.2.0b1", "s1"), ("1.2.0b3", "s1")], {("R011", 21)}, id="pre-release-skips"
    ),
    pytest.param(
        [("1.1.3", "s1"), ("1.1.01", "c2")],
        {("R004", 17), ("R002", 21), ("R006", 24), ("R007", 24)},
        id="all-at-once",
    ),
]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def _found(world: World, base: str | None = "HEAD") -> set[tuple[str, int | None]]:
    findings = validate_change(
        world.releases, base, BaseRepos(str(world.base), world.base / "work")
    )
    return {(f.rule, f.line) for f in findings}


@pytest.mark.parametrize(("entries", "expected"), PLANTED)
def test_planted_requests(
    world: World, entries: list[tuple[str, str]], expected: set[tuple[str, int]]
) -> None:
    world.request("2026.1", *entries)
    assert _found(world) == expected


def test_the_whole_history_is_fine(world: World) -> None:
    assert _found(world, None) == set()


def test_a_rewritten_old_entry(world: World) -> None:
    path = world.deliverable()
    path.write_text(path.read_text().replace(world.commits["c0"], world.commits["c1"]))
    assert ("R009", 9) in _found(world)


def test_a_removed_entry(world: World) -> None:
    path = world.deliverable()
    text = path.read_text()
    first = release_entry("1.0.0", world.commits["c0"])
    path.write_text(text.replace(first, ""))
    assert ("R009", None) in _found(world)


def test_an_existing_tag_elsewhere(world: World) -> None:
    git(world.lib, "tag", "1.1.1", world.commits["s3"])
    world.request("2026.1", ("1.1.1", "s1"))
    assert _found(world) == {("R008", 20)}


def test_the_first_release_of_a_series_ends_in_zero(world: World) -> None:
    world.request("2026.2", ("2.0.1", "c2"))
    assert _found(world) == {("R010", 9), ("R004", 9)}


def test_a_new_series_follows_the_last_release_of_the_previous(world: World) -> None:
    world.request("2026.2", ("2.0.0", "c2"))
    assert _found(world) == set()


def test_a_final_after_the_rc_at_the_same_commit(world: World) -> None:
    world.request("2026.1", ("1.2.0rc1", "s1"), ("1.2.0", "s1"))
    assert _found(world) == set()


def test_a_branch_at_an_unreleased_version(world: World) -> None:
    path = world.deliverable()
    path.write_text(path.read_text().replace("location: 1.1.0", "location: 1.1.9"))
    assert _found(world) == {("R013", 19)}


def test_a_repo_not_in_repository_settings(world: World) -> None:
    path = world.deliverable()
    path.write_text(
        path.read_text().replace("  org/acmelib: {}\n", "  org/other: {}\n")
    )
    assert ("R016", 12) in _found(world)


def test_only_changed_files_are_checked(world: World) -> None:
    (world.releases / "deliverables" / "2026.1" / "other.yaml").write_text("bad: [\n")
    world.commit_releases("a broken file at the base")
    world.request("2026.1", ("1.1.1", "s1"))
    assert _found(world) == set()
    assert ("R001", 2) in _found(world, None)


SCHEMA = [
    pytest.param("colour: blue\n", {("R001", 8)}, id="unknown-key"),
    pytest.param(
        "releases:\n  - version: 2.0\n    projects: []\n",
        {("R001", 9), ("R001", 10)},
        id="float-version-empty-projects",
    ),
    pytest.param(
        "releases:\n  - version: 1.0.0\n    projects:\n      - repo: org/acmelib\n"
        "        hash: abc\n        why: x\n",
        {("R001", 12), ("R001", 13)},
        id="short-hash-unknown-project-key",
    ),
    pytest.param(
        "releases:\n  - projects:\n      - repo: nope\n        hash: "
        + "a" * 40
        + "\n",
        {("R001", 9), ("R001", 10)},
        id="no-version-repo-not-org-name",
    ),
    pytest.param("", {("R001", 2)}, id="no-team"),
    pytest.param("branches:\n  - name: stable/x\n", {("R001", 9)}, id="no-location"),
    pytest.param("team: [a\n", {("R001", 9)}, id="not-yaml"),
    pytest.param(
        "branches:\n  - name: stable/x\n    location:\n      org/acmelib: abc\n",
        set(),
        id="location-per-repository",
    ),
]


@pytest.mark.parametrize(("tail", "expected"), SCHEMA)
def test_schema_errors_at_their_lines(
    tail: str, expected: set[tuple[str, int]]
) -> None:
    text = HEADER + tail
    if tail == "":
        text = HEADER.replace("team: acme\n", "")
    _, findings = parse_deliverable(text, "deliverables/2026.1/x.yaml")
    assert {(f.rule, f.line) for f in findings} == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "- a\n",
        "\xff",
        "a: !!python/object:os.system x\n",
        "{" * 5000,
        "? [a]\n: b\n",
    ],
)
def test_hostile_files_are_findings_not_tracebacks(text: str) -> None:
    _, findings = parse_deliverable(text, "d/s/x.yaml")
    assert findings and all(f.rule == "R001" for f in findings)


def test_openstack_files_validate_unchanged() -> None:
    text = (
        "---\nlaunchpad: oslo.config\nrelease-model: cycle-with-intermediary\n"
        "team: oslo\ntype: library\nrepository-settings:\n  openstack/oslo.config: {}\n"
        "cycle-highlights:\n  - something\nreleases:\n  - version: 9.4.0\n"
        "    projects:\n      - repo: openstack/oslo.config\n"
        "        hash: 2b9cdc3b8e9bd5b6c5b2d6f8c4b1e8a3b4c7d8e9\n"
        "    diff-start: 9.3.0\n"
        "branches:\n  - name: stable/2024.1\n    location: 9.4.0\n"
    )
    deliverable, findings = parse_deliverable(
        text, "deliverables/2024.1/oslo.config.yaml"
    )
    assert findings == []
    assert deliverable is not None and deliverable.releases[0].version == "9.4.0"


def test_cli_json_and_exit_status(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.request("2026.1", ("1.1.3", "s1"))
    args = ["release", "validate", str(world.releases), "--base", "HEAD"]
    status = main([*args, "--git-base", str(world.base), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("R004", 17)]
    world.commit_releases()
    git(world.releases, "reset", "-q", "--hard", "HEAD~1")
    assert main([*args, "--git-base", str(world.base)]) == 0


def test_cli_bad_base_is_one_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["release", "validate", str(world.releases), "--base", "nope"])
    assert status == 2
    assert "nope" in capsys.readouterr().err


def test_cli_not_a_releases_repo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["release", "validate", str(tmp_path)]) == 2
    assert "deliverables" in capsys.readouterr().err


def test_requirements_check_at_the_commit(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    central = tmp_path / "requirements"
    central.mkdir()
    (central / "global-requirements.txt").write_text("packaging>=20  # Apache-2.0\n")
    (central / "upper-constraints.txt").write_text("packaging===24.2\n")
    world.request("2026.1", ("1.1.2", "s2"))  # adds rich, not in the global list
    args = ["release", "validate", str(world.releases), "--base", "HEAD"]
    main(
        [
            *args,
            "--git-base",
            str(world.base),
            "--requirements",
            str(central),
            "--format",
            "json",
        ]
    )
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "R015" in rules


def test_real_openstack_request_files_validate_unchanged() -> None:
    """cinder's zed file (rc1, rc2, final at the rc's commit, an end-of-
    maintenance tag and its branch) and an independent library."""
    findings = validate_change(Path(__file__).parent / "data" / "release", None, None)
    assert findings == []


def test_hostile_repository_contents_are_findings(world: World) -> None:
    series = world.releases / "deliverables" / "2026.1"
    (series / "dir.yaml").mkdir()
    (series / "latin1.yaml").write_bytes(b"team: caf\xe9\n")
    (series / "option.yaml").write_text(
        HEADER + "releases:\n  - version: '-d'\n    projects:\n"
        "      - repo: --upload-pack=x/y\n        hash: --output=/tmp/x\n"
    )
    found = _found(world)
    assert ("R001", 1) in found  # latin1.yaml, at the line of its byte
    assert ("R001", 11) in found and ("R001", 12) in found  # repo, hash
    assert ("R002", 9) in found


def test_request_files_that_are_links_out_or_not_files_are_findings(
    world: World, tmp_path: Path
) -> None:
    """A request is read only inside the releases repo and only if it is a
    regular file: a link out, a FIFO or a link loop is a finding naming it,
    never read (nor waited on), never skipped without a word."""
    import os

    secret = tmp_path / "secret.yaml"
    secret.write_text("team: from outside\n")
    series = world.releases / "deliverables" / "2026.1"
    (series / "outside.yaml").symlink_to(secret)
    os.mkfifo(series / "fifo.yaml")
    (series / "loop.yaml").symlink_to("loop.yaml")
    findings = validate_change(  # every file (git does not track a FIFO)
        world.releases, None, BaseRepos(str(world.base), world.base / "work")
    )
    messages = {f.path: f.message for f in findings if f.rule == "R001"}
    assert "leads outside" in messages["deliverables/2026.1/outside.yaml"]
    assert "FIFO" in messages["deliverables/2026.1/fifo.yaml"]
    assert "loop" in messages["deliverables/2026.1/loop.yaml"]


def test_an_option_as_base_is_refused(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["release", "validate", str(world.releases), "--base=--output=x"]) == 2
    assert "not a git reference" in capsys.readouterr().err


def test_git_base_as_a_url_clones_then_fetches(world: World, tmp_path: Path) -> None:
    workdir = tmp_path / "clones"
    url = f"file://{world.base}"
    world.request("2026.1", ("1.1.1", "s1"))
    assert validate_change(world.releases, "HEAD", BaseRepos(url, workdir)) == []
    assert any(workdir.iterdir())  # a bare clone, kept
    git(world.lib, "checkout", "-q", "stable/2026.1")
    (world.lib / "acmelib.py").write_text("VALUE = 22\n")
    git(world.lib, "commit", "-q", "-am", "later")
    later = git(world.lib, "rev-parse", "HEAD")
    world.request("2026.1", ("1.1.2", later))
    findings = validate_change(world.releases, "HEAD", BaseRepos(url, workdir))
    # The new commit was fetched (no R005); the branch raised a minimum (s3).
    assert {f.rule for f in findings} == {"R014"}


def test_dated_series_follow_named_ones(world: World) -> None:
    """zed came before 2023.1: a 2023.1 release follows zed's last one."""
    zed = world.deliverable("zed")
    zed.parent.mkdir(parents=True)
    world.deliverable("2026.1").rename(zed)
    world.commit_releases("the series was zed")
    world.request("2023.1", ("1.2.0", "c2"))
    assert _found(world) == set()
    world.request("2023.1", ("1.2.2", "c2"))
    assert ("R004", 13) in _found(world)
